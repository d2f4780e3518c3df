"""A PEP 517 build backend for this package that needs nothing but the standard library.

The package is pure Python with no dependencies, and the machines it is built on may have no package index
to fetch setuptools and wheel from; pip runs this backend from the source tree (``backend-path``), so
``pip install ./clients/python`` works offline. It builds a wheel of the ``hooknet`` package (with ``py.typed``)
and an sdist of the project, with the metadata of ``pyproject.toml``'s ``[project]`` table.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "hooknet"
TAG = "py3-none-any"


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as file:
        text = file.read()
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = dict(re.findall(r'^([a-z-]+)\s*=\s*"([^"]*)"', table, re.M))
    classifiers = re.findall(r'^\s+"([^"]+ :: [^"]+)",?$', table, re.M)
    return fields, classifiers


def _metadata():
    fields, classifiers = _project()
    lines = ["Metadata-Version: 2.1", "Name: " + fields["name"], "Version: " + fields["version"],
             "Summary: " + fields["description"], "Requires-Python: " + fields["requires-python"],
             "License: Apache-2.0"]
    lines += ["Classifier: " + classifier for classifier in classifiers]
    lines.append("Description-Content-Type: text/markdown")
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        return fields, "\n".join(lines) + "\n\n" + readme.read()


def _package_files():
    directory = os.path.join(ROOT, PACKAGE)
    for name in sorted(os.listdir(directory)):
        if name.endswith(".py") or name == "py.typed":
            yield PACKAGE + "/" + name, os.path.join(directory, name)


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    fields, metadata = _metadata()
    name = "%s-%s" % (fields["name"], fields["version"])
    dist_info = name + ".dist-info"
    files = [(path, open(source, "rb").read()) for path, source in _package_files()]
    files.append((dist_info + "/METADATA", metadata.encode("utf-8")))
    files.append((dist_info + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: hooknet_build\nRoot-Is-Purelib: true\n"
                                         "Tag: %s\n" % TAG).encode("ascii")))
    files.append((dist_info + "/top_level.txt", (PACKAGE + "\n").encode("ascii")))
    record = "\n".join(_record_line(path, data) for path, data in files) + "\n%s/RECORD,,\n" % dist_info
    files.append((dist_info + "/RECORD", record.encode("utf-8")))
    wheel = "%s-%s.whl" % (name, TAG)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files:
            archive.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return wheel


def build_sdist(sdist_directory, config_settings=None):
    fields, metadata = _metadata()
    name = "%s-%s" % (fields["name"], fields["version"])
    sources = ["pyproject.toml", "README.md", "build_backend/hooknet_build.py"]
    sources += [path for path, _ in _package_files()]
    sources += ["tests/" + test for test in sorted(os.listdir(os.path.join(ROOT, "tests"))) if test.endswith(".py")]
    archive_name = name + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, archive_name), "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for source in sources:
            archive.add(os.path.join(ROOT, source), arcname=name + "/" + source)
        info = tarfile.TarInfo(name + "/PKG-INFO")
        data = metadata.encode("utf-8")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return archive_name
