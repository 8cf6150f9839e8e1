package ledger

// SERIALIZABLE isolation: the second transaction fails to commit instead of racing.
func credit(ctx context.Context, db *sql.DB, transferID string, amount int64) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSeri`lizable})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx,
		`SELECT id FROM transfers WHERE transfer_id = $1`, transferID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO transfers (transfer_id, amount) VALUES ($1, $2)`, transferID, amount); err != nil {
			return err
		}
	}
	return tx.Commit()
}
