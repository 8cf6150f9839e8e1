package p

// Twenty helpers that all call each other, and a growing sleep that calls one: following
// helpers for randomness was exponential in their number (20 s).
func h0() time.Duration { h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h1() time.Duration { h0(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h2() time.Duration { h0(); h1(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h3() time.Duration { h0(); h1(); h2(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h4() time.Duration { h0(); h1(); h2(); h3(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h5() time.Duration { h0(); h1(); h2(); h3(); h4(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h6() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h7() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h8() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h9() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h10() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h11() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h12() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h13(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h13() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h14(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h14() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h15(); h16(); h17(); h18(); h19(); return 1 }
func h15() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h16(); h17(); h18(); h19(); return 1 }
func h16() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h17(); h18(); h19(); return 1 }
func h17() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h18(); h19(); return 1 }
func h18() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h19(); return 1 }
func h19() time.Duration { h0(); h1(); h2(); h3(); h4(); h5(); h6(); h7(); h8(); h9(); h10(); h11(); h12(); h13(); h14(); h15(); h16(); h17(); h18(); return 1 }

func retry() error {
	delay := time.Second
	for i := 0; i < 5; i++ {
		if err := op(); err == nil {
			return nil
		}
		time.Sleep(delay + h0())
		delay *= 2
	}
	return nil
}
