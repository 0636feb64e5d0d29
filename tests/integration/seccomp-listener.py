#!/usr/bin/env python3
# Seccomp notify agent for 50-seccomp.sh: listen on SOCKET, receive the listener fd and the
# container process state (runtime-spec "seccomp state"), write the state to STATE_OUT, then
# answer the first notification with return value VAL (errno 0) and exit.
import json, os, socket, struct, sys, fcntl

sock_path, state_out, val = sys.argv[1], sys.argv[2], int(sys.argv[3])
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sock_path)
srv.listen(1)
srv.settimeout(30)
conn, _ = srv.accept()
data, fds, _, _ = socket.recv_fds(conn, 65536, 4)
conn.settimeout(1)
try:
    while True:
        more = conn.recv(65536)
        if not more:
            break
        data += more
except OSError:
    pass
state = json.loads(data)
state["_nfds"] = len(fds)
with open(state_out + ".tmp", "w") as f:
    json.dump(state, f)
os.rename(state_out + ".tmp", state_out)

# struct seccomp_notif (80 bytes) and seccomp_notif_resp (24 bytes), <linux/seccomp.h>.
NOTIF_RECV = 0xC0502100
NOTIF_SEND = 0xC0182101
buf = bytearray(80)
fcntl.ioctl(fds[0], NOTIF_RECV, buf)
nid, pid, flags, nr = struct.unpack_from("=QIIi", buf)
with open(state_out + ".notif", "w") as f:
    f.write("pid %d nr %d\n" % (pid, nr))
resp = bytearray(struct.pack("=QqiI", nid, val, 0, 0))
fcntl.ioctl(fds[0], NOTIF_SEND, resp)
