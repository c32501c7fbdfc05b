# A process holding a net namespace only through a socket: it unshares a
# new net namespace, opens a UDP socket there, goes back to its own net
# namespace and writes "INODE FD" (the namespace's inode, the socket's fd)
# to the file named by its argument (atomically), then waits for a signal.
# Used by the tests of namespaces held by sockets (lsns's netns-from-sock,
# nsenter's --net-socket).
import ctypes, os, signal, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
own = os.open("/proc/self/ns/net", os.O_RDONLY)
if libc.unshare(0x40000000) != 0:
    sys.exit("unshare: %s" % os.strerror(ctypes.get_errno()))
ino = os.stat("/proc/self/ns/net").st_ino
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if libc.setns(own, 0x40000000) != 0:
    sys.exit("setns: %s" % os.strerror(ctypes.get_errno()))
os.close(own)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d\n" % (ino, s.fileno()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    signal.pause()
