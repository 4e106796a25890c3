package mail_test

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
)

// sink is a tiny SMTP server for tests: it speaks EHLO/HELO, AUTH PLAIN
// (when a user is set), MAIL, RCPT, DATA, RSET, NOOP and QUIT, never offers
// STARTTLS, and records what it accepts.
type sink struct {
	addr string
	ln   net.Listener

	mu        sync.Mutex
	msgs      []sinkMsg
	failRcpt  int    // answer 451 to this many RCPT commands first
	user, pwd string // require AUTH PLAIN with these when user != ""
	authed    []string
	tls       *tls.Config // offer STARTTLS with this when set
	tlsUsed   []bool      // per accepted message: whether it came over TLS
}

type sinkMsg struct {
	From string
	To   []string
	Data string // as received, dot-unstuffed, lines ending in CRLF
}

func newSink(t *testing.T) *sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{addr: ln.Addr().String(), ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *sink) messages() []sinkMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sinkMsg(nil), s.msgs...)
}

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 sink ESMTP")
	var cur sinkMsg
	authed, secure := false, false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		s.mu.Lock()
		needAuth := s.user != "" && !authed
		s.mu.Unlock()
		switch verb {
		case "EHLO":
			say("250-sink")
			if s.tls != nil && !secure {
				say("250-STARTTLS")
			}
			if s.user != "" {
				say("250-AUTH PLAIN")
			}
			say("250 8BITMIME")
		case "STARTTLS":
			if s.tls == nil || secure {
				say("502 not offered")
				continue
			}
			say("220 ready to start TLS")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, r, secure = tc, bufio.NewReader(tc), true
		case "HELO", "NOOP":
			say("250 OK")
		case "RSET":
			cur = sinkMsg{}
			say("250 OK")
		case "AUTH":
			f := strings.Fields(line)
			if len(f) != 3 || strings.ToUpper(f[1]) != "PLAIN" {
				say("504 unsupported")
				continue
			}
			b, _ := base64.StdEncoding.DecodeString(f[2])
			parts := strings.Split(string(b), "\x00")
			s.mu.Lock()
			ok := len(parts) == 3 && parts[1] == s.user && parts[2] == s.pwd
			if ok {
				s.authed = append(s.authed, parts[1])
			}
			s.mu.Unlock()
			if ok {
				authed = true
				say("235 2.7.0 accepted")
			} else {
				say("535 5.7.8 bad credentials")
			}
		case "MAIL":
			if needAuth {
				say("530 5.7.0 authentication required")
				continue
			}
			cur = sinkMsg{From: addrOf(line)}
			say("250 OK")
		case "RCPT":
			s.mu.Lock()
			fail := s.failRcpt > 0
			if fail {
				s.failRcpt--
			}
			s.mu.Unlock()
			if fail {
				say("451 4.7.1 greylisted, try again later")
				continue
			}
			cur.To = append(cur.To, addrOf(line))
			say("250 OK")
		case "DATA":
			say("354 end with <CRLF>.<CRLF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			cur.Data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, cur)
			s.tlsUsed = append(s.tlsUsed, secure)
			s.mu.Unlock()
			cur = sinkMsg{}
			say("250 OK queued")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("502 command not implemented")
		}
	}
}

// addrOf takes the address between < and > of MAIL FROM:<a> or RCPT TO:<a>.
func addrOf(line string) string {
	i, j := strings.IndexByte(line, '<'), strings.IndexByte(line, '>')
	if i < 0 || j < i {
		return ""
	}
	return line[i+1 : j]
}
