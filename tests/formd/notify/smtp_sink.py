"""An aiosmtpd handler for formd's SMTP tests: every message it accepts is
decoded with Python's own email package and written as one JSON file, so the
test checks what arrived with a decoder that is not ours.

    PYTHONPATH=tests/formd/notify /usr/bin/python3 -B -m aiosmtpd -n \
        -l 127.0.0.1:PORT -c smtp_sink.DirectoryHandler OUT_DIR

Recipients whose local part starts with "refuse" get 550, with "later" 451,
so the tests see how real SMTP replies are classified. Files are numbered
0001.json, 0002.json, … in arrival order; a server restarted on the same
directory (tests/formd/email_test.js stops and starts it) goes on from the
last number instead of overwriting what arrived before.
"""
import email
import email.policy
import json
import os
import tempfile


class DirectoryHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = len([n for n in os.listdir(directory) if n.endswith(".json")])

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.DirectoryHandler takes one argument: the output directory")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("refuse"):
            return "550 5.1.1 No such user here"
        if local.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.content  # bytes: aiosmtpd's default decode_data=False
        # Python's email package works in "\n" line endings: given CRLF it
        # keeps the "\r" in decoded text. Encoded CRs (=0D) are not touched.
        message = email.message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        headers = {}
        for name in ("Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                     "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted"):
            value = message.get(name)
            headers[name] = None if value is None else str(value)
        defects = [type(d).__name__ for d in message.defects]
        for name, value in message.items():
            defects += [f"{name}: {type(d).__name__}" for d in getattr(value, "defects", ())]
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "headers": headers,
            "to_addresses": [a.addr_spec for a in message["To"].addresses] if message["To"] else [],
            "date_datetime": message["Date"].datetime.isoformat() if message["Date"] else None,
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "body": body.get_content() if body is not None else None,
            "defects": defects,
            # latin-1 keeps every byte as one code point: the test checks 7-bit.
            "raw": raw.decode("latin-1"),
        }
        self.count += 1
        # Written whole then renamed: the test never reads half a file.
        fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.rename(temporary, os.path.join(self.directory, f"{self.count:04d}.json"))
        return "250 Message accepted for delivery"
