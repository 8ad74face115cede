//go:build !linux

package main

import (
	"errors"
	"net"
)

var errNoPeerCred = errors.New("peer credentials are checked on Linux only; the CLI cannot reach a running app on this system")

func checkPeer(*net.UnixConn) error { return errNoPeerCred }

// samePeer refuses a peer uid other than own.
func samePeer(uid, own uint32) error {
	if uid != own {
		return errNoPeerCred
	}
	return nil
}

func ownSocket(string) error { return errNoPeerCred }

func checkSocketDir(string) error { return errNoPeerCred }
