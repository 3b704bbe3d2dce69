"""Drives an RBAC-mode k8ts cluster with the official Python client as a user bound to `view`:
one allowed call (list pods) and one forbidden one (create a pod: 403 Forbidden as upstream).

Usage: rbac_check.py SERVER CA_FILE TOKEN. Exits non-zero (with a traceback) on any mismatch.
"""
import json
import sys

from kubernetes import client
from kubernetes.client.rest import ApiException

server, ca_file, token = sys.argv[1:4]
cfg = client.Configuration()
cfg.host = server
cfg.ssl_ca_cert = ca_file
cfg.api_key = {"authorization": "Bearer " + token}
core = client.CoreV1Api(client.ApiClient(cfg))

pods = core.list_namespaced_pod("default")
assert pods.items is not None
print("allowed ok")

pod = client.V1Pod(
    metadata=client.V1ObjectMeta(name="py-denied"),
    spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36")]),
)
try:
    core.create_namespaced_pod("default", pod)
    raise AssertionError("create was allowed")
except ApiException as e:
    assert e.status == 403, e.status
    body = json.loads(e.body)
    assert body["reason"] == "Forbidden", body
    assert body["message"] == 'pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default"', body["message"]
    assert body["details"] == {"kind": "pods"}, body["details"]
print("forbidden ok")
print("all ok")
