package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kjb/kjb/internal/testdb"
)

// TestDevSeedsAFirstPayment starts `kjb dev` twice on one database: each start prints a curl
// that, run as printed, pays a demo order awaiting payment (another one the second time), and
// the ineligible demo order shows its reasons.
func TestDevSeedsAFirstPayment(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	d := testdb.New(t)
	paid := map[string]bool{}
	for range 2 {
		out := runDev(t, d.URL, func(out string) {
			order := regexp.MustCompile(`Pay order (\S+) `).FindStringSubmatch(out)
			curl := regexp.MustCompile(`(?s)\n  (curl -s .*?)\n\n`).FindStringSubmatch(out + "\n")
			if order == nil || curl == nil {
				t.Fatalf("kjb dev printed no first-payment curl:\n%s", out)
			}
			if paid[order[1]] {
				t.Errorf("the curl pays %s again", order[1])
			}
			paid[order[1]] = true
			res, err := exec.Command("sh", "-c", curl[1]).Output()
			if err != nil {
				t.Fatalf("curl: %v", err)
			}
			var r struct {
				Data struct {
					PayOrder struct {
						Payment    *struct{ Status string }
						UserErrors []any
					}
				}
			}
			if json.Unmarshal(res, &r) != nil || r.Data.PayOrder.Payment == nil || r.Data.PayOrder.Payment.Status != "SUCCEEDED" {
				t.Fatalf("the printed curl did not pay %s: %s", order[1], res)
			}
		})
		for _, want := range []string{"operator", "partner 1688", "account Acme Trading Ltd", "account Nordlys Import AS"} {
			if !strings.Contains(out, "  "+want) {
				t.Errorf("no %s key in:\n%s", want, out)
			}
		}
	}
	// The ineligible order, read by the partner, lists why Cross-border Pay cannot pay it.
	runDev(t, d.URL, func(out string) {
		base := regexp.MustCompile(`endpoint +(http://\S+)`).FindStringSubmatch(out)[1]
		key := regexp.MustCompile(`partner 1688 +(\S+)`).FindStringSubmatch(out)[1]
		q := `{"query":"{ orderByExternalId(externalId: \"1688-demo-1004\") { id status } }"}`
		var o struct {
			Data struct{ OrderByExternalID struct{ ID, Status string } }
		}
		post(t, base, key, q, &o)
		if o.Data.OrderByExternalID.Status != "AWAITING_PAYMENT" {
			t.Fatalf("order 1688-demo-1004: %+v", o)
		}
		q = `{"query":"{ paymentOptions(orderId: \"` + o.Data.OrderByExternalID.ID + `\") { method available reasons } }"}`
		var p struct {
			Data struct {
				PaymentOptions []struct {
					Method    string
					Available bool
					Reasons   []string
				}
			}
		}
		post(t, base, key, q, &p)
		if len(p.Data.PaymentOptions) == 0 || p.Data.PaymentOptions[0].Method != "WORLD_PAY" || p.Data.PaymentOptions[0].Available ||
			strings.Join(p.Data.PaymentOptions[0].Reasons, ",") != "NOT_SECURED_TRANSACTION,RED_PACKET_DISCOUNT,SUPPLIER_NOT_ACCEPTING" {
			t.Fatalf("payment options of the ineligible order: %+v", p)
		}
	})
}

// runDev starts `kjb dev` on dbURL, hands its banner (everything printed up to the first
// payment's curl) to use, then stops it with SIGTERM and returns the banner.
func runDev(t *testing.T, dbURL string, use func(banner string)) string {
	t.Helper()
	cmd := exec.Command(binary, "dev")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "KJB_LISTEN=127.0.0.1:0", "KJB_METRICS_LISTEN=127.0.0.1:0", "KJB_LOG_LEVEL=error")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	banner := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "{") {
				continue // a log line
			}
			b.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "    -d '") {
				banner <- b.String()
			}
		}
	}()
	select {
	case out := <-banner:
		use(out)
		return out
	case <-time.After(60 * time.Second):
		t.Fatal("kjb dev printed no banner within 60 s")
		return ""
	}
}

func post(t *testing.T, base, key, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
