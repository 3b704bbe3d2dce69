"""Exec and port-forward into a running pod with the official Python client's stream helpers.

Usage: streaming_check.py KUBECONFIG POD. The pod (in "default") runs a shell and serves
"hello-k8ts" over HTTP on port 80. Exits non-zero (with a traceback) on any mismatch.
"""
import sys

from kubernetes import client, config
from kubernetes.stream import portforward, stream

config.load_kube_config(config_file=sys.argv[1])
pod = sys.argv[2]
core = client.CoreV1Api()

# Interactive: a shell fed line by line, stdout and stderr read apart, the exit code from the
# error channel's Status.
resp = stream(core.connect_post_namespaced_pod_exec, pod, "default", command="/bin/sh",
              stdin=True, stdout=True, stderr=True, tty=False, _preload_content=False)
resp.write_stdin("echo test string 1\n")
line = resp.readline_stdout(timeout=5)
assert line == "test string 1", repr(line)
resp.write_stdin("echo to stderr >&2\n")
line = resp.readline_stderr(timeout=5)
assert line == "to stderr", repr(line)
resp.write_stdin("echo test string 2\n")
line = resp.readline_stdout(timeout=5)
assert line == "test string 2", repr(line)
resp.write_stdin("exit 3\n")
resp.run_forever(timeout=10)
assert not resp.is_open(), "the connection stays open after the shell exited"
assert resp.returncode == 3, resp.returncode
print("interactive exec ok")

# One-shot, the form most scripts use: the output comes back as the call's value.
out = stream(core.connect_get_namespaced_pod_exec, pod, "default",
             command=["sh", "-c", "echo one-shot"], stderr=True, stdin=False, stdout=True, tty=False)
assert out == "one-shot\n", repr(out)
print("one-shot exec ok")

pf = portforward(core.connect_get_namespaced_pod_portforward, pod, "default", ports="80")
sock = pf.socket(80)
sock.setblocking(True)
sock.sendall(b"GET / HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n")
reply = b""
while True:
    chunk = sock.recv(65536)
    if not chunk:
        break
    reply += chunk
sock.close()
assert reply.startswith(b"HTTP/1.1 200 OK"), reply
assert reply.rstrip().endswith(b"hello-k8ts"), reply
assert pf.error(80) is None, pf.error(80)
print("port-forward ok")
print("all ok")
