package bench

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestBenchDatabaseURL: the benchmark database's connection string names it and keeps every
// other setting of the server's, whatever characters they hold, in either form.
func TestBenchDatabaseURL(t *testing.T) {
	t.Parallel()
	for _, server := range []string{
		"postgres://k%40b:p%3Aa%2Fss%40@[::1]:5433/postgres?sslmode=require&application_name=x",
		"postgresql://k%40b:p%3Aa%2Fss%40@[::1]:5433/?dbname=postgres&sslmode=require&application_name=x",
		`host=::1 port=5433 user=k@b password='p:a/ss@' dbname=postgres sslmode=require application_name=x`,
	} {
		got, err := benchDatabaseURL(server, "kjb_bench_1")
		if err != nil {
			t.Fatalf("%s: %v", server, err)
		}
		cfg, err := pgx.ParseConfig(got)
		if err != nil {
			t.Fatalf("%s: %s does not parse: %v", server, got, err)
		}
		if cfg.Database != "kjb_bench_1" || cfg.User != "k@b" || cfg.Password != "p:a/ss@" || cfg.Host != "::1" ||
			cfg.Port != 5433 || cfg.TLSConfig == nil || cfg.RuntimeParams["application_name"] != "x" {
			t.Errorf("%s: %s is %s as %s:%s on %s:%d, TLS %v, %v", server, got, cfg.Database, cfg.User, cfg.Password,
				cfg.Host, cfg.Port, cfg.TLSConfig != nil, cfg.RuntimeParams)
		}
	}
	if _, err := benchDatabaseURL("postgres://[bad", "kjb_bench_1"); err == nil {
		t.Error("a malformed server URL was accepted")
	}
}
