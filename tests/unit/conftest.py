"""Unit-test setup: import the collection as ansible_collections.openvz.cloud."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, ensure_collection_link())
