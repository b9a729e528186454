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
		"postgres://k%40b:p%3Aa%2Fss%40@[::1]:5433/postgres?sslmode=require&application_name=a%20b&options=-c%20work_mem%3D8MB",
		"postgresql://k%40b:p%3Aa%2Fss%40@[::1]:5433/?dbname=postgres&sslmode=require&application_name=a%20b&options=-c%20work_mem%3D8MB",
		"postgres://k%40b:p%3Aa%2Fss%40@[::1]:5433?database=postgres&sslmode=require&application_name=a%20b&options=-c%20work_mem%3D8MB",
		`host=::1 port=5433 user=k@b password='p:a/ss@' dbname=postgres sslmode=require application_name='a b' options='-c work_mem=8MB'`,
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
			cfg.Port != 5433 || cfg.TLSConfig == nil || cfg.RuntimeParams["application_name"] != "a b" ||
			cfg.RuntimeParams["options"] != "-c work_mem=8MB" {
			t.Errorf("%s: %s is %s as %s:%s on %s:%d, TLS %v, %v", server, got, cfg.Database, cfg.User, cfg.Password,
				cfg.Host, cfg.Port, cfg.TLSConfig != nil, cfg.RuntimeParams)
		}
	}
	// URLs that pgx reads and Go's url package does not: a socket's directory, several hosts.
	for server, host := range map[string]string{
		"postgres://%2Fvar%2Frun%2Fpostgresql/postgres":         "/var/run/postgresql",
		"postgres://u@h1:5432,h2:5433/postgres?sslmode=disable": "h1",
	} {
		got, err := benchDatabaseURL(server, "kjb_bench_1")
		if err != nil {
			t.Fatalf("%s: %v", server, err)
		}
		if cfg, err := pgx.ParseConfig(got); err != nil || cfg.Database != "kjb_bench_1" || cfg.Host != host {
			t.Errorf("%s: %s, %v", server, got, err)
		}
	}
	if _, err := benchDatabaseURL("postgres://[bad", "kjb_bench_1"); err == nil {
		t.Error("a malformed server URL was accepted")
	}
}
