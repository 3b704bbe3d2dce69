"""Drives a k8ts cluster with the official Python client: list, create, patch, watch, delete.

Usage: client_check.py KUBECONFIG. Exits non-zero (with a traceback) on any mismatch.
"""
import sys
import threading
import time

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
apps = client.AppsV1Api()

names = [ns.metadata.name for ns in core.list_namespace().items]
for expected in ("default", "kube-system", "kube-public", "kube-node-lease"):
    assert expected in names, names
print("namespaces ok")

pod = client.V1Pod(
    metadata=client.V1ObjectMeta(name="py-pod", labels={"app": "py"}),
    spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36", command=["sleep", "3600"])]),
)
created = core.create_namespaced_pod("default", pod)
assert created.metadata.uid, created
assert created.spec.restart_policy == "Always"
assert created.spec.containers[0].image_pull_policy == "IfNotPresent"
assert created.status.phase == "Pending"
print("create ok")

patched = core.patch_namespaced_pod("py-pod", "default", {"metadata": {"labels": {"tier": "backend"}}})
assert patched.metadata.labels == {"app": "py", "tier": "backend"}, patched.metadata.labels
assert int(patched.metadata.resource_version) > int(created.metadata.resource_version)
print("patch ok")

listed = core.list_namespaced_pod("default", label_selector="app=py,tier in (backend)")
assert [p.metadata.name for p in listed.items] == ["py-pod"], listed.items
assert core.list_namespaced_pod("default", label_selector="app=nope").items == []
print("list ok")

seen = []
def watcher():
    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_pod, "default", label_selector="app=py", timeout_seconds=5):
        seen.append((ev["type"], ev["object"].metadata.name))
        if ev["type"] == "DELETED":
            w.stop()

t = threading.Thread(target=watcher)
t.start()
time.sleep(0.5)
core.create_namespaced_pod("default", client.V1Pod(
    metadata=client.V1ObjectMeta(name="py-pod-2", labels={"app": "py"}),
    spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36")]),
))
core.delete_namespaced_pod("py-pod-2", "default")
t.join(10)
assert ("ADDED", "py-pod") in seen, seen
assert ("ADDED", "py-pod-2") in seen, seen
assert ("DELETED", "py-pod-2") in seen, seen
print("watch ok")

dep = apps.create_namespaced_deployment("default", {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "py-deploy"},
    "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "pyd"}},
             "template": {"metadata": {"labels": {"app": "pyd"}}, "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}},
})
assert dep.spec.strategy.rolling_update.max_surge == "25%"
scale = apps.patch_namespaced_deployment_scale("py-deploy", "default", {"spec": {"replicas": 4}})
assert scale.spec.replicas == 4
print("deployment ok")

try:
    core.read_namespaced_pod("missing", "default")
    raise AssertionError("expected 404")
except client.exceptions.ApiException as e:
    assert e.status == 404, e.status
print("errors ok")

core.delete_namespaced_pod("py-pod", "default")
print("all ok")
