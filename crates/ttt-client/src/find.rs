//! Choosing a server found on the LAN (`--find`): [`target`] browses,
//! lists or asks, at the edge; the choices themselves ([`choose`],
//! [`pick`], [`describe`]) are pure, so every one is unit-tested; the
//! browsing itself is `ttt_discovery::browse`.

use std::io::{self, BufRead, IsTerminal};

use ttt_discovery::Found;
use ttt_protocol::text::printable;

use crate::config::Args;
use crate::connect::Target;

/// What to do with the servers found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Connect to this one (by index) without asking.
    Connect(usize),
    /// Several: ask the player to pick one by number.
    Ask,
    /// None answered.
    NoneFound,
    /// None is called what was asked for.
    NoSuchName,
}

/// Picks a server: the one named `wanted` (ignoring case), or the only one
/// found; otherwise the player chooses. Every ttt server takes players
/// (a busy one puts them in line), so any single server found is the one.
/// Servers that stopped while we looked are never chosen.
pub fn choose(found: &[Found], wanted: Option<&str>) -> Choice {
    let here: Vec<usize> = (0..found.len()).filter(|&i| !found[i].gone).collect();
    match wanted {
        Some(name) => here
            .into_iter()
            .find(|&i| found[i].name.eq_ignore_ascii_case(name))
            .map_or(Choice::NoSuchName, Choice::Connect),
        None => match here.as_slice() {
            [] => Choice::NoneFound,
            [only] => Choice::Connect(*only),
            _ => Choice::Ask,
        },
    }
}

/// The list shown to the player, one line per server, numbered from 1:
/// `1. lan-party (10.0.0.1:1234): ann is waiting for an opponent`.
pub fn list(found: &[Found]) -> Vec<String> {
    found
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{}. {}", i + 1, describe(f)))
        .collect()
}

/// One server in a line, its addresses best first:
/// `lan-party (10.0.0.1:1234, [fe80::1%2]:1234): game in progress`.
pub fn describe(f: &Found) -> String {
    let addr = if f.addrs.is_empty() {
        "no address".to_owned()
    } else {
        let addrs: Vec<String> = f.addrs.iter().map(ToString::to_string).collect();
        addrs.join(", ")
    };
    let state = match &f.listing {
        _ if f.gone => "stopped (it said goodbye while we looked)".to_owned(),
        Ok(listing) => listing.state.to_string(),
        Err(why) => format!("(unreadable: {why})"),
    };
    // Any machine on the LAN can announce anything: what it says is made
    // printable before it reaches the terminal.
    printable(&format!("{} ({addr}): {state}", f.name))
}

/// The player's answer to "which one?": a number from 1, or a name.
pub fn pick(found: &[Found], answer: &str) -> Option<usize> {
    let answer = answer.trim();
    let index = match answer.parse::<usize>() {
        Ok(n) if (1..=found.len()).contains(&n) => Some(n - 1),
        Ok(_) => None,
        Err(_) => found
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(answer)),
    };
    index.filter(|&i| !found[i].gone)
}

/// The server to play on: `--find` browses the LAN (and with `--list`
/// only lists what it found: `None`); otherwise `HOST` and `PORT`.
pub fn target(args: &Args) -> Result<Option<Target>, Box<dyn std::error::Error>> {
    let Some(wanted) = &args.find else {
        return Ok(Some(Target::Address {
            host: args.host.clone(),
            port: args.port,
        }));
    };
    let wanted = Some(wanted.as_str()).filter(|w| !w.is_empty());
    let wait = args.find_wait.0;
    if args.watch {
        let mut browser = ttt_discovery::Browser::start()?;
        let started = std::time::Instant::now();
        let mut shown = std::collections::HashMap::new();
        while let Some(changed) = browser.next_change(started + wait) {
            // A record can come again unchanged, or with only an address
            // more: print what a person would see change.
            let line = describe(&changed);
            if shown.insert(changed.name.clone(), line.clone()).as_ref() != Some(&line) {
                println!("+{:.3} s  {line}", started.elapsed().as_secs_f64());
            }
        }
        browser.finish();
        return Ok(None);
    }
    let found = ttt_discovery::browse(wait)?;
    let listed = list(&found);
    if args.list {
        if found.is_empty() {
            println!(
                "no ttt server found on the LAN within {} s",
                wait.as_secs_f64()
            );
        }
        for line in listed {
            println!("{line}");
        }
        return Ok(None);
    }
    let index = match choose(&found, wanted) {
        Choice::Connect(i) => i,
        Choice::NoneFound => {
            return Err(format!(
                "no ttt server found on the LAN within {} s (is it started with --announce? \
                 you can also give its address: HOST=... or --host)",
                wait.as_secs_f64()
            )
            .into());
        }
        Choice::NoSuchName => {
            let names: Vec<String> = found.iter().map(|f| printable(&f.name)).collect();
            return Err(format!(
                "no ttt server called {:?} on the LAN; found: {}",
                wanted.unwrap_or_default(),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )
            .into());
        }
        Choice::Ask if !io::stdin().is_terminal() => {
            return Err(format!(
                "{} ttt servers on the LAN; name one with --find NAME: {}",
                found.len(),
                listed.join("; ")
            )
            .into());
        }
        Choice::Ask => {
            println!("ttt servers on the LAN:");
            for line in &listed {
                println!("  {line}");
            }
            ask_which(&found)?
        }
    };
    let chosen = found.into_iter().nth(index).ok_or("no such server")?;
    println!("Joining {}.", printable(&chosen.name));
    Ok(Some(Target::Found {
        name: chosen.name,
        addrs: chosen.addrs,
    }))
}

/// Asks at the keyboard which server to join, until the answer is one.
fn ask_which(found: &[ttt_discovery::Found]) -> Result<usize, Box<dyn std::error::Error>> {
    let stdin = io::stdin();
    let mut line = String::new();
    loop {
        print!("Which one? (1-{}, or a name): ", found.len());
        io::Write::flush(&mut io::stdout())?;
        line.clear();
        if stdin.lock().read_line(&mut line)? == 0 {
            return Err("no server chosen".into());
        }
        if let Some(i) = pick(found, &line) {
            return Ok(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use ttt_discovery::{Listing, TableState};

    use super::*;

    fn server(name: &str, state: TableState) -> Found {
        Found {
            name: name.to_owned(),
            addrs: vec!["10.0.0.1:1234".parse().expect("addr")],
            listing: Ok(Listing {
                versions: vec![1, 2],
                state,
                computer: true,
            }),
            gone: false,
        }
    }

    #[test]
    fn one_server_is_joined_at_once_and_several_are_asked_about() {
        let one = [server("den", TableState::Open)];
        assert_eq!(choose(&one, None), Choice::Connect(0));
        assert_eq!(choose(&[], None), Choice::NoneFound);
        let two = [
            server("den", TableState::Open),
            server("attic", TableState::Playing { queued: 2 }),
        ];
        assert_eq!(choose(&two, None), Choice::Ask);
        assert_eq!(choose(&two, Some("ATTIC")), Choice::Connect(1));
        assert_eq!(choose(&two, Some("cellar")), Choice::NoSuchName);
        // One of two stopped while we looked: the other is the one.
        let mut stopped = two.clone();
        stopped[0].gone = true;
        assert_eq!(choose(&stopped, None), Choice::Connect(1));
        assert_eq!(choose(&stopped, Some("den")), Choice::NoSuchName);
        assert_eq!(pick(&stopped, "1"), None);
        assert_eq!(
            list(&stopped)[0],
            "1. den (10.0.0.1:1234): stopped (it said goodbye while we looked)"
        );
    }

    /// A name announced with escape sequences or a bidirectional override
    /// (any host on the LAN can announce one) is shown without them.
    #[test]
    fn what_the_lan_announces_is_made_printable() {
        let hostile = server("den\u{1b}]0;pwned\u{7}\u{202e}txt.exe", TableState::Open);
        let line = describe(&hostile);
        assert_eq!(
            line,
            "den]0;pwnedtxt.exe (10.0.0.1:1234): open: nobody there yet"
        );
        assert!(!line.chars().any(char::is_control));
    }

    #[test]
    fn the_list_says_what_each_is_doing() {
        let found = [
            server("den", TableState::Waiting("ann".parse().expect("name"))),
            server("attic", TableState::Playing { queued: 2 }),
        ];
        assert_eq!(
            list(&found),
            [
                "1. den (10.0.0.1:1234): ann is waiting for an opponent",
                "2. attic (10.0.0.1:1234): game in progress, 2 queued",
            ]
        );
        let mut two_ways = found[0].clone();
        two_ways
            .addrs
            .push("[fe80::1%2]:1234".parse().expect("addr"));
        assert_eq!(
            describe(&two_ways),
            "den (10.0.0.1:1234, [fe80::1%2]:1234): ann is waiting for an opponent"
        );
        assert_eq!(pick(&found, "2"), Some(1));
        assert_eq!(pick(&found, " den "), Some(0));
        assert_eq!(pick(&found, "3"), None);
        assert_eq!(pick(&found, "0"), None);
    }
}
