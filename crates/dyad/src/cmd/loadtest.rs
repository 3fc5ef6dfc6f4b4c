//! `dyad loadtest`: a load generator for `dyad serve` — requests at a fixed rate over
//! keep-alive connections for a bounded time, latency measured from each request's scheduled
//! start (so a slow server cannot hide its queueing), and the server's peak memory when its
//! pid is given.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;

/// `dyad loadtest`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct LoadtestArgs {
    /// The server, `HOST:PORT`.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Requests per second, in all.
    #[arg(long, default_value_t = 1000)]
    rate: u32,
    /// How long to run, seconds.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Keep-alive connections (threads).
    #[arg(long, default_value_t = 16)]
    connections: u32,
    /// Paths to request in turn [default: a mix of /api/events filters and pages].
    #[arg(long)]
    path: Vec<String>,
    /// The server's pid, to report its peak memory (Linux).
    #[arg(long)]
    pid: Option<u32>,
}

const MIX: &[&str] = &[
    "/api/events?limit=50",
    "/api/events?actor=RUS&limit=50",
    "/api/events?code=19&limit=50",
    "/api/events?actor=USA&code=04&limit=50",
    "/api/events?from=2022-02-01&to=2022-03-31&limit=50",
    "/api/events?source=UKR&limit=50&offset=50",
    "/api/events?near=50.45,30.52,300&limit=50",
    "/api/events?actor=CHN&from=2023-01-01&limit=50",
    "/api/events?limit=50&offset=20000",
    "/api/events?code=0&limit=50&offset=500",
];

/// Reads one HTTP/1.1 response (Content-Length or chunked); returns its status.
fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let (mut length, mut chunked) = (0usize, false);
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            r.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut buf = vec![0; n + 2];
            r.read_exact(&mut buf)?;
            if n == 0 {
                break;
            }
        }
    } else {
        let mut buf = vec![0; length];
        r.read_exact(&mut buf)?;
    }
    Ok(status)
}

fn peak_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

pub(crate) fn loadtest(args: LoadtestArgs) -> anyhow::Result<ExitCode> {
    let paths: Vec<String> = if args.path.is_empty() {
        MIX.iter().map(|p| p.to_string()).collect()
    } else {
        args.path.clone()
    };
    let conns = args.connections.max(1);
    let per_conn = f64::from(args.rate.max(1)) / f64::from(conns);
    let interval = Duration::from_secs_f64(1.0 / per_conn);
    let start = Instant::now() + Duration::from_millis(100);
    let end = start + Duration::from_secs(args.seconds);
    let results: Vec<anyhow::Result<(Vec<u32>, u64, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..conns)
            .map(|c| {
                let paths = &paths;
                let addr = args.addr.as_str();
                scope.spawn(move || -> anyhow::Result<(Vec<u32>, u64, u64)> {
                    let stream = TcpStream::connect(addr)
                        .with_context(|| format!("connecting to {addr}"))?;
                    stream.set_nodelay(true)?;
                    let mut w = stream.try_clone()?;
                    let mut r = BufReader::new(stream);
                    let mut lat_us = Vec::new();
                    let (mut errors, mut k) = (0u64, 0u64);
                    // Connections start staggered across one interval.
                    let mut next = start + interval.mul_f64(f64::from(c) / f64::from(conns));
                    // A server too slow for the rate is not waited for past the run's end:
                    // what was not sent by then counts as failed.
                    let give_up = end + Duration::from_secs(2);
                    while next < end {
                        if Instant::now() > give_up {
                            let left = (end - next).as_secs_f64() / interval.as_secs_f64();
                            errors += left.ceil() as u64;
                            break;
                        }
                        let now = Instant::now();
                        if next > now {
                            std::thread::sleep(next - now);
                        }
                        let path =
                            &paths[((k as usize) * conns as usize + c as usize) % paths.len()];
                        let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                        w.write_all(req.as_bytes())?;
                        let status = read_response(&mut r)?;
                        if status != 200 {
                            errors += 1;
                        }
                        lat_us.push(next.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        next += interval;
                        k += 1;
                    }
                    Ok((lat_us, k, errors))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a thread panicked")))
            })
            .collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut lat: Vec<u32> = Vec::new();
    let (mut sent, mut errors) = (0u64, 0u64);
    for r in results {
        let (l, k, e) = r?;
        lat.extend(l);
        sent += k;
        errors += e;
    }
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 - 1.0) * p).round() as usize;
        f64::from(lat[i]) / 1000.0
    };
    println!(
        "loadtest: {sent} requests in {elapsed:.1} s = {:.0} requests/s (asked {}), {errors} not 200 or not sent; latency ms p50={:.2} p90={:.2} p99={:.2} max={:.2}{}",
        sent as f64 / elapsed,
        args.rate,
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0),
        args.pid
            .and_then(peak_kb)
            .map_or(String::new(), |kb| format!("; server peak memory {:.0} MB", kb as f64 / 1024.0))
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
