package main

import (
	"fmt"
	"net"
	"os"
	"syscall"
)

// peerUID returns the user id of the process at the other end of conn
// (SO_PEERCRED).
func peerUID(conn *net.UnixConn) (uint32, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return 0, err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return 0, err
	}
	if cerr != nil {
		return 0, cerr
	}
	return cred.Uid, nil
}

// checkPeer refuses a peer that is not this OS user.
func checkPeer(conn *net.UnixConn) error {
	uid, err := peerUID(conn)
	if err != nil {
		return fmt.Errorf("cannot tell who is at the other end of the socket: %w", err)
	}
	return samePeer(uid, uint32(os.Getuid()))
}

// samePeer refuses a peer uid other than own.
func samePeer(uid, own uint32) error {
	if uid != own {
		return fmt.Errorf("refused: the other end of the socket is user id %d, not this user (%d)", uid, own)
	}
	return nil
}

// ownerOf returns the owner of the file fi describes.
func ownerOf(fi os.FileInfo) (uint32, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return st.Uid, true
}

// ownSocket checks that path is a socket owned by this user: a command
// line sends nothing to a socket someone else made.
func ownSocket(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("%s is not a socket; not used", path)
	}
	if uid, ok := ownerOf(fi); !ok || uid != uint32(os.Getuid()) {
		return fmt.Errorf("%s belongs to another user; not used", path)
	}
	return nil
}

// checkSocketDir checks that the app may make its socket in dir: a
// directory of this user that neither group nor others may write (so no
// one can put another socket in its place).
func checkSocketDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if uid, ok := ownerOf(fi); !ok || uid != uint32(os.Getuid()) {
		return fmt.Errorf("data directory %s belongs to another user: no socket for the CLI", dir)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("data directory %s is writable by others (mode %o): no socket for the CLI (chmod 700 it)", dir, fi.Mode().Perm())
	}
	return nil
}
