//! Builds the browser page (`examples/web/build.sh`) and serves it on this machine only.
//!
//! ```text
//! cargo run --release --example serve_web                # build, then http://127.0.0.1:8000/
//! cargo run --release --example serve_web -- --port 0    # any free port (printed)
//! cargo run --release --example serve_web -- --no-build  # serve what examples/web/pkg holds
//! ```
//!
//! A tiny static server (the standard library only): it listens on 127.0.0.1, answers `GET` and
//! `HEAD` for the page's own files (`index.html`, `app.js`, `style.css`, `favicon.svg` and
//! `pkg/`), nothing else, and sends the page's Content-Security-Policy as a header too. The page
//! works from any static server; this one is here so that one command builds and opens it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

const USAGE: &str = "usage: serve_web [--port PORT] [--no-build]";

/// The page's own policy (index.html has it as a meta tag); `frame-ancestors` works only here.
const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                   img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; \
                   frame-ancestors 'none'";

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (mut port, mut build) = (8000u16, true);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().ok_or(USAGE)?.parse()?,
            "--no-build" => build = false,
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}").into()),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/web");
    if build {
        let status = std::process::Command::new("bash")
            .arg(root.join("build.sh"))
            .status()
            .map_err(|e| format!("cannot run examples/web/build.sh: {e}"))?;
        if !status.success() {
            return Err("examples/web/build.sh failed (see above)".into());
        }
    }
    if !root.join("pkg/nopitch_web_bg.wasm").is_file() {
        return Err("examples/web/pkg is not built: run without --no-build".into());
    }
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port} ({e}); try --port 0"))?;
    let address = listener.local_addr()?;
    println!("serving the nopitch page on http://{address}/ (Ctrl-C to stop)");
    std::io::stdout().flush()?;
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.clone();
        std::thread::spawn(move || {
            // A client that goes away mid-answer is no error of ours.
            let _ = serve(stream, &root);
        });
    }
    Ok(())
}

/// The file for a request path, if it is one of the page's own.
fn page_file(root: &Path, path: &str) -> Option<(PathBuf, &'static str)> {
    let path = path.split(['?', '#']).next()?;
    let path = if path == "/" { "/index.html" } else { path };
    let relative = path.strip_prefix('/')?;
    let allowed = match relative.split_once('/') {
        None => matches!(
            relative,
            "index.html" | "app.js" | "style.css" | "favicon.svg"
        ),
        Some(("pkg", name)) => !name.contains('/') && !name.starts_with('.'),
        _ => false,
    };
    let kind = match relative.rsplit_once('.')?.1 {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        _ => return None,
    };
    allowed.then(|| (root.join(relative), kind))
}

fn serve(stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Read the headers to their end (the body of a GET is empty).
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut out = stream;
    if method != "GET" && method != "HEAD" {
        return answer(
            &mut out,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
            true,
        );
    }
    match page_file(root, path).and_then(|(file, kind)| Some((std::fs::read(file).ok()?, kind))) {
        Some((body, kind)) => answer(&mut out, "200 OK", kind, &body, method == "GET"),
        None => answer(
            &mut out,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            true,
        ),
    }
}

fn answer(
    out: &mut TcpStream,
    status: &str,
    kind: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {CSP}\r\nX-Content-Type-Options: nosniff\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if with_body {
        out.write_all(body)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::page_file;
    use std::path::Path;

    #[test]
    fn only_the_pages_own_files_are_served() {
        let root = Path::new("/web");
        for ok in [
            "/",
            "/index.html",
            "/app.js?v=1",
            "/pkg/nopitch_web_bg.wasm",
        ] {
            assert!(page_file(root, ok).is_some(), "{ok}");
        }
        for no in [
            "/../Cargo.toml",
            "/pkg/../../src/lib.rs",
            "/test/run.mjs",
            "/Cargo.toml",
            "/target/x.wasm",
            "/pkg/.hidden.js",
            "index.html",
            "",
        ] {
            assert!(page_file(root, no).is_none(), "{no}");
        }
    }
}
