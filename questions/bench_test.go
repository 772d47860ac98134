package questions

import "testing"

// Benchmarks of the bank lookups behind every slash command. Run them with
//
//	go test -run '^$' -bench . -benchmem ./questions

func BenchmarkRole(b *testing.B) {
	bank := builtin(b)
	for _, tc := range []struct{ name, in string }{
		{"slug", "senior-backend"},
		{"alias", "sbe"},
		{"title", "Senior Backend Engineer"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			if _, ok := bank.Role(tc.in); !ok {
				b.Fatalf("Role(%q) not found", tc.in)
			}
			b.ReportAllocs()
			for b.Loop() {
				bank.Role(tc.in)
			}
		})
	}
}

func BenchmarkSuggestRole(b *testing.B) {
	bank := builtin(b)
	const typo = "senoir backend"
	if _, ok := bank.SuggestRole(typo); !ok {
		b.Fatalf("SuggestRole(%q) found nothing", typo)
	}
	b.ReportAllocs()
	for b.Loop() {
		bank.SuggestRole(typo)
	}
}

// BenchmarkBuiltin is the bank's parse and validation, paid once at start.
func BenchmarkBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}
