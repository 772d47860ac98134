package main

import "syscall"

// sysProcAttr makes the kernel kill a subprocess when this process dies,
// even by SIGKILL, so that an interrupted run never leaves a bot behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
