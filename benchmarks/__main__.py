import importlib
import os
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    root = Path(__file__).resolve().parent.parent
    os.environ.setdefault("MAPSTER_FIXTURES_DIR", str(root.parent / "shared" / "fixtures"))
    os.environ.setdefault("MAPSTER_REFERENCE_DIR", str(root.parent / "shared" / "reference"))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name[0] != "_"
    )
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        for name in names:
            module = importlib.import_module(f"benchmarks.{name}")
            print(f"== {name}", flush=True)
            try:
                module.run()
            except Exception as exc:  # one failing benchmark must not hide the others
                failures += 1
                print(f"   FAILED: {exc!r}", flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
