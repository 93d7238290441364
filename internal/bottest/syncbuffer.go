package bottest

import (
	"bytes"
	"sync"
)

// SyncBuffer is a bytes.Buffer safe for concurrent writers: the log lines of
// a bot whose cycles run on another goroutine.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Reset empties the buffer and drops its memory too, for heap measurements.
func (s *SyncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = bytes.Buffer{}
}

// Tail is the last n bytes written: enough of the logs for a failure message.
func (s *SyncBuffer) Tail(n int) string {
	str := s.String()
	if len(str) > n {
		return str[len(str)-n:]
	}
	return str
}
