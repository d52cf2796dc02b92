"""Serves a compiled model over HTTP with the standard library and the
`inception` package: one thread per request (ThreadingHTTPServer), each
running the model in its own context, without the GIL.

    python3 serve.py libgooglenet.so [--port 8000] [--threads 1]

    GET  /     the model's name, input and output shapes (JSON)
    POST /run  the input as a .npy file, or as raw little-endian float32
               bytes in the input's shape; the reply is the output as .npy.
               A malformed body or a wrong shape is 400 with the reason.

`--threads` is each run's thread count: with many requests at once, 1
thread a run uses the cores best. README.md ("Serving from Python") says
how the same handler drops into Ray Serve or Triton's Python backend.
"""

import argparse
import http.server
import io
import json

import numpy as np

import inception


def make_handler(model, threads):
    class Handler(http.server.BaseHTTPRequestHandler):
        def _reply(self, status, body, content_type):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status, message):
            self._reply(status, (message + "\n").encode(), "text/plain; charset=utf-8")

        def do_GET(self):
            if self.path != "/":
                return self._error(404, f"no {self.path}: GET / or POST /run")
            description = {"name": model.name,
                           "inputs": [{"name": t.name, "shape": t.shape} for t in model.inputs],
                           "outputs": [{"name": t.name, "shape": t.shape} for t in model.outputs]}
            self._reply(200, json.dumps(description).encode(), "application/json")

        def do_POST(self):
            if self.path != "/run":
                return self._error(404, f"no {self.path}: POST /run")
            try:
                length = int(self.headers.get("Content-Length", ""))
            except ValueError:
                return self._error(411, "a Content-Length is required")
            body = self.rfile.read(length)
            try:
                if body.startswith(b"\x93NUMPY"):
                    x = np.load(io.BytesIO(body), allow_pickle=False)
                else:
                    x = np.frombuffer(body, dtype="<f4").reshape(model.input_shape)
            except ValueError as error:
                return self._error(400, f"cannot read the input ({len(body)} bytes) as "
                                   f"{model.input_shape} float32: {error}")
            try:
                y = model.run(x, threads=threads)
            except inception.InceptionError as error:
                return self._error(400, str(error))
            reply = io.BytesIO()
            np.save(reply, y)
            self._reply(200, reply.getvalue(), "application/octet-stream")

        def log_message(self, format, *args):
            pass  # one line per request is too much at serving rates

    return Handler


def make_server(library, port=8000, threads=1, host=""):
    model = inception.Model(library)
    return http.server.ThreadingHTTPServer((host, port), make_handler(model, threads))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", help="a library written by inceptionc")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads each run uses (default 1)")
    args = parser.parse_args()
    server = make_server(args.library, args.port, args.threads)
    print(f"serving {args.library} on port {server.server_address[1]}")
    server.serve_forever()


if __name__ == "__main__":
    main()
