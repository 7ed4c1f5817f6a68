"""Start the GI-Assistent web app: ``python app.py [--host H] [--port P]`` (default 127.0.0.1:7860)."""

import argparse

from assistant.settings import Settings
from assistant.ui import serve


def main() -> None:
    parser = argparse.ArgumentParser(description="GI-Assistent Web-App")
    parser.add_argument("--host", help="Adresse (Standard 127.0.0.1, oder GI_HOST)")
    parser.add_argument("--port", type=int, help="Port (Standard 7860, oder GI_PORT)")
    args = parser.parse_args()
    serve(Settings.load(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
