//go:build !linux

package main

import "syscall"

// sysProcAttr: outside Linux there is no parent-death signal; stop, run on
// every exit path, is the only guard.
func sysProcAttr() *syscall.SysProcAttr { return nil }
