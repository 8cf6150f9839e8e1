package events

func s*S( ervice) OnEvent(ctx context.Context, ev Event) error {
	s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&Procesent{EventID: ev.ID})
	return s.sendEmail(ctx, ev)
}
