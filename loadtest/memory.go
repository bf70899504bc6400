package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Memory is a process's resident memory, from /proc (Linux).
type Memory struct {
	RSS  int64 `json:"rss_bytes"`  // VmRSS: now
	Peak int64 `json:"peak_bytes"` // VmHWM: the most it held
}

// readMemory reads the resident memory of process pid.
func readMemory(pid int) (*Memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, fmt.Errorf("server memory: %w", err)
	}
	return parseStatus(b)
}

// parseStatus reads VmRSS and VmHWM ("VmRSS:   12345 kB") of a
// /proc/PID/status file.
func parseStatus(b []byte) (*Memory, error) {
	m := &Memory{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("server memory: %s: %q is not a size in kB", key, val)
		}
		if key == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.Peak = kb << 10
		}
	}
	if m.RSS == 0 {
		return nil, fmt.Errorf("server memory: no VmRSS in /proc status")
	}
	return m, nil
}
