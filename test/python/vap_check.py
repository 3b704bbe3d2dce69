"""Drives ValidatingAdmissionPolicy with the official Python client: create a policy and a
binding through the dynamic client, read them back (status.typeChecking too), and see a Deployment refused with
upstream's message while one within the limit is created.

Usage: vap_check.py KUBECONFIG. Exits non-zero (with a traceback) on any mismatch.
"""
import json
import sys
import time

from kubernetes import client, config, dynamic
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
apps = client.AppsV1Api()
# Debian's client (22.x) predates the typed policy models: the dynamic client finds the kinds
# through discovery, as it does for any resource it has no model for.
dyn = dynamic.DynamicClient(client.ApiClient())
policies = dyn.resources.get(api_version="admissionregistration.k8s.io/v1", kind="ValidatingAdmissionPolicy")
bindings = dyn.resources.get(api_version="admissionregistration.k8s.io/v1", kind="ValidatingAdmissionPolicyBinding")

created = policies.create(body={
    "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicy",
    "metadata": {"name": "py-replicas"},
    "spec": {
        "matchConstraints": {"resourceRules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE"], "resources": ["deployments"]}]},
        "validations": [{"expression": "object.spec.replicas <= 2", "message": "at most 2 replicas"}],
    },
})
assert created.spec.failurePolicy == "Fail", created.spec
assert created.spec.matchConstraints.matchPolicy == "Equivalent", created.spec
bindings.create(body={
    "apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingAdmissionPolicyBinding",
    "metadata": {"name": "py-replicas"},
    "spec": {"policyName": "py-replicas", "validationActions": ["Deny"]},
})
names = [p.metadata.name for p in policies.get().items]
assert "py-replicas" in names, names
print("created ok")

deadline = time.time() + 20
while True:
    status = policies.get(name="py-replicas").status
    if status is not None and status.typeChecking is not None:
        break
    assert time.time() < deadline, "no status.typeChecking"
    time.sleep(0.2)
assert status.observedGeneration == 1, status
assert not status.typeChecking.expressionWarnings, status
print("status ok")


def deployment(name, replicas):
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36")]),
            ),
        ),
    )


apps.create_namespaced_deployment("default", deployment("py-small", 2))
try:
    apps.create_namespaced_deployment("default", deployment("py-big", 3))
    raise AssertionError("create was allowed")
except ApiException as e:
    assert e.status == 422, e.status
    body = json.loads(e.body)
    assert body["reason"] == "Invalid", body
    expected = "deployments.apps \"py-big\" is forbidden: ValidatingAdmissionPolicy 'py-replicas' with binding 'py-replicas' denied request: at most 2 replicas"
    assert body["message"] == expected, body["message"]
print("denied ok")
print("all ok")
