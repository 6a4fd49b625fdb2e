"""The `mapster` console script: manage.py under a friendlier name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mapster", *sys.argv[1:]])


if __name__ == "__main__":
    main()
