"""Python's smtplib and smtplib.LMTP against `mailroom serve`, as a user would call them.

Usage: smtplib_client.py CASE PORT [CAFILE]. Prints one JSON object: what the library
returned, so the Rust test can compare it with what the Maildir holds.
"""
import json
import smtplib
import socket
import ssl
import sys

MESSAGE = (
    b"From: Alice <alice@client.example>\r\n"
    b"To: many@d.example\r\n"
    b"Subject: smtplib to mailroom\r\n"
    b"Message-ID: <1@client.example>\r\n"
    b"Date: Fri, 27 Nov 2026 12:00:00 +0000\r\n"
    b"\r\n"
    b"Hello.\r\n"
    b".a line that starts with a dot (smtplib stuffs it, the server unstuffs it)\r\n"
)


def plain(port, _ca):
    recipients = [f"r{i}@d.example" for i in range(60)]
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.ehlo("client.example")
        refused = s.sendmail("alice@client.example", recipients, MESSAGE)
        pipelining = s.has_extn("pipelining")
    return {"refused": refused, "recipients": recipients, "pipelining": pipelining}


def tls_auth(port, ca):
    ctx = ssl.create_default_context(cafile=ca)
    with smtplib.SMTP("localhost", port) as s:
        s.ehlo("client.example")
        before = s.has_extn("auth")
        s.starttls(context=ctx)
        s.ehlo("client.example")
        after = s.has_extn("auth")
        try:
            s.login("alice", "wrong password")
            bad = "accepted"
        except smtplib.SMTPAuthenticationError as e:
            bad = e.smtp_code
        s.login("alice", "wonderland")
        refused = s.sendmail("alice@client.example", ["x@d.example"], MESSAGE)
        cipher = s.sock.cipher()[0]
    return {"auth_before_tls": before, "auth_after_tls": after, "bad_login": bad,
            "refused": refused, "cipher": cipher}


def insecure_auth(port, _ca):
    # AUTH LOGIN this time (login() would pick PLAIN): username and password prompts.
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.ehlo("client.example")
        s.user, s.password = "alice", "wonderland"
        code, _ = s.auth("LOGIN", s.auth_login, initial_response_ok=False)
        refused = s.sendmail("alice@client.example", ["x@d.example"], MESSAGE)
    return {"auth_login": code, "refused": refused}


def auth_needs_tls(port, _ca):
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.ehlo("client.example")
        try:
            s.login("alice", "wonderland")
            return {"login": "accepted"}
        except smtplib.SMTPNotSupportedError as e:
            return {"login": "not offered: " + str(e)}


def utf8(port, _ca):
    message = (
        "From: 太郎 <太郎@example.jp>\r\nTo: 花子@example.jp\r\nSubject: 日本語の件名\r\n"
        "Date: Fri, 27 Nov 2026 12:00:00 +0900\r\nMessage-ID: <2@example.jp>\r\n\r\n"
        "こんにちは。\r\n"
    ).encode("utf-8")
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.ehlo("client.example")
        refused = s.sendmail("太郎@example.jp", ["花子@example.jp"], message,
                             mail_options=["SMTPUTF8", "BODY=8BITMIME"])
    return {"refused": refused, "message": message.decode("utf-8")}


def lmtp(port, _ca):
    # smtplib.LMTP.sendmail reads one reply after DATA; with several recipients a client
    # reads the others itself (RFC 2033 4.2), as Dovecot's and Postfix's LMTP clients do.
    with smtplib.LMTP("127.0.0.1", port) as s:
        s.ehlo_or_helo_if_needed()
        s.mail("alice@client.example")
        rcpts = ["pat@foo.edu", "green@foo.edu", "pat@foo.edu", "jones@foo.edu"]
        rcpt_codes = [s.rcpt(r)[0] for r in rcpts]
        accepted = sum(1 for c in rcpt_codes if c == 250)
        first = s.data(MESSAGE)
        replies = [first] + [s.getreply() for _ in range(accepted - 1)]
    return {"rcpt": rcpt_codes,
            "data": [[c, m.decode()] for c, m in replies]}


def reply(sock):
    """One whole SMTP reply, read byte by byte (nothing beyond it is consumed)."""
    lines, line = [], b""
    while True:
        c = sock.recv(1)
        if not c:
            return lines
        line += c
        if line.endswith(b"\r\n"):
            lines.append(line.decode())
            if line[3:4] != b"-":
                return lines
            line = b""


def starttls_injection(port, ca):
    # CVE-2011-0411: a MAIL command sent in the clear right behind STARTTLS, in the same
    # packet, must not run inside the TLS session. Python's ssl does the real handshake.
    sock = socket.create_connection(("127.0.0.1", port))
    reply(sock)
    sock.sendall(b"EHLO client.example\r\n")
    reply(sock)
    sock.sendall(b"STARTTLS\r\nMAIL FROM:<evil@attacker.example>\r\n")
    starttls = reply(sock)
    tls = ssl.create_default_context(cafile=ca).wrap_socket(sock, server_hostname="localhost")
    tls.sendall(b"EHLO client.example\r\n")
    reply(tls)
    tls.sendall(b"RCPT TO:<x@d.example>\r\n")
    rcpt = reply(tls)
    tls.sendall(b"QUIT\r\n")
    reply(tls)
    return {"starttls": starttls, "rcpt_after_tls": rcpt}


CASES = {f.__name__: f for f in [plain, tls_auth, insecure_auth, auth_needs_tls, utf8, lmtp,
                                 starttls_injection]}

if __name__ == "__main__":
    case, port = sys.argv[1], int(sys.argv[2])
    ca = sys.argv[3] if len(sys.argv) > 3 else None
    print(json.dumps(CASES[case](port, ca), ensure_ascii=False))
