"""Makes the repository importable as ``ansible_collections.openvz.cloud``.

Ansible finds collections under ``<path>/ansible_collections/<namespace>/<name>``; the
repository root is the collection root, so a symlink under ``build/collections`` is
enough for imports and for ``ANSIBLE_COLLECTIONS_PATH``.
"""

import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS_PATH = os.path.join(REPO_ROOT, "build", "collections")


def ensure_collection_link():
    """Create build/collections/ansible_collections/openvz/cloud -> repo root."""
    namespace_dir = os.path.join(COLLECTIONS_PATH, "ansible_collections", "openvz")
    link = os.path.join(namespace_dir, "cloud")
    os.makedirs(namespace_dir, exist_ok=True)
    if os.path.islink(link) and os.path.realpath(link) == REPO_ROOT:
        return COLLECTIONS_PATH
    tmp_link = link + ".tmp-%d" % os.getpid()
    os.symlink(REPO_ROOT, tmp_link)
    os.replace(tmp_link, link)
    return COLLECTIONS_PATH
