"""``python -m govtext``."""

from govtext.cli import main

if __name__ == "__main__":
    main()
