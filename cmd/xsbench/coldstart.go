package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// addrRe finds the address a server prints when it listens.
var addrRe = regexp.MustCompile(`http://((?:127\.0\.0\.1|localhost|\[::1\]):[0-9]+)`)

// coldStart is `xsbench coldstart [--runs 5] [--path /login] -- CMD ARGS…`:
// starts CMD (a server that prints http://127.0.0.1:PORT when it listens,
// e.g. `xieshang serve --addr 127.0.0.1:0`) runs times, one after the
// other, and times each from the process's start to the first 200 answer
// on path; stops it with SIGTERM. Prints each run and a last line
// "XSBENCH-COLD MEDIAN_MS RUNS_MS" for scripts/bench.
func coldStart(args []string) error {
	fs := flag.NewFlagSet("coldstart", flag.ContinueOnError)
	runs := fs.Int("runs", 5, "starts")
	path := fs.String("path", "/login", "the page that must answer 200")
	timeout := fs.Duration("timeout", 30*time.Second, "give up on a start after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cmd := fs.Args()
	if len(cmd) == 0 || *runs < 1 {
		return errors.New("coldstart: give --runs ≥ 1 and the server's command after --")
	}
	var took []time.Duration
	for i := range *runs {
		d, err := startOnce(cmd, *path, *timeout)
		if err != nil {
			return fmt.Errorf("coldstart run %d: %w", i+1, err)
		}
		fmt.Printf("run %d: %.0f ms to the first 200 on %s\n", i+1, ms(d), *path)
		took = append(took, d)
	}
	med := median(took)
	var list []string
	for _, d := range took {
		list = append(list, fmt.Sprintf("%.0f", ms(d)))
	}
	fmt.Printf("XSBENCH-COLD %.1f %s\n", ms(med), strings.Join(list, ","))
	return nil
}

// median of ds (the lower middle for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// startOnce starts cmd, waits for its address and a 200 on path, stops it.
func startOnce(cmd []string, path string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := exec.Command(cmd[0], cmd[1:]...)
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	c.Stdout, c.Stderr = pw, pw
	start := time.Now()
	if err := c.Start(); err != nil {
		pr.Close()
		pw.Close()
		return 0, err
	}
	pw.Close()
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	defer func() {
		c.Process.Signal(os.Interrupt) // an error when it has exited already
		select {
		case <-exited: // put back by whoever read it first
		case <-time.After(10 * time.Second):
			c.Process.Kill()
			<-exited
		}
		pr.Close()
	}()

	addr := make(chan string, 1)
	var mu sync.Mutex
	var out strings.Builder // the server's first lines, for errors
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.TrimSpace(out.String())
	}
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			mu.Lock()
			if out.Len() < 4096 {
				out.WriteString(sc.Text() + "\n")
			}
			mu.Unlock()
			if m := addrRe.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		io.Copy(io.Discard, pr)
	}()
	var a string
	select {
	case a = <-addr:
	case err := <-exited:
		exited <- err
		return 0, fmt.Errorf("the server exited before listening (%v): %s", err, output())
	case <-ctx.Done():
		return 0, errors.New("the server printed no address")
	}
	client := &http.Client{Timeout: 2 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u := "http://" + a + path
	for {
		resp, err := client.Get(u)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		select {
		case err := <-exited:
			exited <- err
			return 0, fmt.Errorf("the server exited (%v): %s", err, output())
		case <-ctx.Done():
			return 0, fmt.Errorf("no 200 on %s within %s", u, timeout)
		case <-time.After(time.Millisecond):
		}
	}
}
