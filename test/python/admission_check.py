"""Admission through the official Python client: a PodSecurity refusal (403, upstream's message),
a quota refusal, and the quota's status as the resourcequota controller keeps it.

Usage: admission_check.py KUBECONFIG. Exits non-zero (with a traceback) on any mismatch.
"""
import sys
import time

from kubernetes import client, config
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()

ns = "py-admission"
core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(
    name=ns, labels={"pod-security.kubernetes.io/enforce": "baseline"})))
core.create_namespaced_resource_quota(ns, client.V1ResourceQuota(
    metadata=client.V1ObjectMeta(name="q"), spec=client.V1ResourceQuotaSpec(hard={"pods": "1"})))


def pod(name, privileged=False):
    sc = client.V1SecurityContext(privileged=True) if privileged else None
    return client.V1Pod(metadata=client.V1ObjectMeta(name=name),
                        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox", security_context=sc)]))


def refused(name, privileged=False):
    try:
        core.create_namespaced_pod(ns, pod(name, privileged))
    except ApiException as e:
        assert e.status == 403, e
        return e.body
    raise AssertionError("created " + name)


body = refused("priv", privileged=True)
assert 'pods \\"priv\\" is forbidden: violates PodSecurity \\"baseline:latest\\": privileged (container \\"c\\" must not set securityContext.privileged=true)' in body, body
print("podsecurity ok")

core.create_namespaced_pod(ns, pod("one"))
body = refused("two")
assert "exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1" in body, body
print("quota ok")

deadline = time.time() + 20
while True:
    st = core.read_namespaced_resource_quota("q", ns).status
    if st and st.used == {"pods": "1"} and st.hard == {"pods": "1"}:
        break
    assert time.time() < deadline, st
    time.sleep(0.2)
print("all ok")
