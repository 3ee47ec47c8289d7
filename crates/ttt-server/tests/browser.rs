//! The page in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), playing the real server on loopback: against
//! another page, the console client, a person in nc, a version 1 program
//! and the computer; at a phone's width; with others in line; after a cut
//! connection and after the server stops. Elements are found by their accessible names, as a
//! screen reader finds them.
//!
//! Skipped when `chromedriver` is not installed, unless
//! `TTT_REQUIRE_BROWSER` is set (as `.ci/run` sets it).

use ttt_test_support::Server;
use ttt_test_support::browser::{Driver, Page};

fn driver() -> Option<Driver> {
    let driver = Driver::start();
    if driver.is_none() {
        assert!(
            std::env::var_os("TTT_REQUIRE_BROWSER").is_none(),
            "chromedriver is required (TTT_REQUIRE_BROWSER) but did not start"
        );
        eprintln!("skipped: chromedriver is not installed");
    }
    driver
}

/// The real server with its web port on any free port; that port.
fn web_server(extra: &[&str]) -> (Server, u16) {
    let mut args = vec!["--web", "0"];
    args.extend_from_slice(extra);
    let server = Server::start(&args);
    let port = server.web_port.expect("web port");
    (server, port)
}

fn join(page: &Page, port: u16, name: &str) {
    page.open(&format!("http://127.0.0.1:{port}/"));
    page.type_into("Your name", name);
    page.press("Play");
}

#[test]
fn two_pages_play_a_whole_game() {
    let Some(driver) = driver() else { return };
    let (_server, port) = web_server(&[]);
    let ann = driver.page();
    let bob = driver.page();
    join(&ann, port, "ann");
    ann.wait_status("Waiting for an opponent");
    join(&bob, port, "bob");
    ann.wait_status("Game on against bob: you are X, bob is O; you move first.");
    bob.wait_status("Game on against ann: you are O, ann is X; they move first.");
    for (page, other, cell, said) in [
        (&ann, &bob, 1, "ann took 1"),
        (&bob, &ann, 4, "bob took 4"),
        (&ann, &bob, 2, "ann took 2"),
        (&bob, &ann, 5, "bob took 5"),
    ] {
        page.press(&format!("cell {cell}"));
        other.wait_status(said);
    }
    assert_eq!(ann.label_of_cell(5), "cell 5, O");
    ann.press("cell 3");
    ann.wait_status("You win! Three in a row on 1 2 3.");
    bob.wait_status("You lose: ann got three in a row on 1 2 3.");
    // docs/page.png is taken here: TTT_SCREENSHOT=<file> gets the PNG, in
    // base64 as WebDriver sends it.
    if let Some(path) = std::env::var_os("TTT_SCREENSHOT") {
        std::fs::write(path, ann.screenshot_base64()).expect("write the screenshot");
    }
    // The rematch: both say yes, and the marks swap.
    ann.press("Yes");
    bob.press("Yes");
    ann.wait_status("you are O");
    bob.wait_status("you are X");
    bob.press("Leave");
    ann.wait_status("You win: bob left the game.");
    bob.wait_status("Thanks for playing, bob!");
}

#[test]
fn a_page_plays_the_computer_and_hears_the_server_stop() {
    let Some(driver) = driver() else { return };
    let (mut server, port) = web_server(&["--computer-pause", "0"]);
    let page = driver.page();
    // A name the server refuses: the page asks again, on the same connection.
    join(&page, port, "computer-ann");
    page.wait_status("computer");
    page.type_into("Your name", "ann");
    page.press("Play");
    page.wait_status("Waiting for an opponent");
    page.press("Play the computer");
    page.wait_status("Game on against computer-fair: you are X");
    page.press("cell 5");
    page.wait_status("computer-fair took");
    assert_eq!(page.label_of_cell(5), "cell 5, X");
    server.signal("INT");
    page.wait_status("server shutting down");
    // The page offers to play again once the server is back.
    page.press("Play");
}

/// At 360 px wide (a phone held upright) nothing scrolls sideways, the
/// board fits, and every cell is at least a 44 px touch target.
#[test]
fn the_page_fits_a_phone_held_upright() {
    let Some(driver) = driver() else { return };
    let (_server, port) = web_server(&[]);
    let ann = driver.page();
    let bob = driver.page();
    join(&ann, port, "ann");
    join(&bob, port, "bob");
    ann.wait_status("you are X");
    let measured = ann.run(
        "const cells = [...document.querySelectorAll('#board button')]\
           .map((b) => b.getBoundingClientRect());\
         const smallest = Math.min(...cells.map((r) => Math.min(r.width, r.height)));\
         const right = Math.max(...cells.map((r) => r.right));\
         return [innerWidth, document.documentElement.scrollWidth,\
                 Math.floor(smallest), Math.ceil(right)].join(' ');",
    );
    let [viewport, scroll, smallest, right]: [u32; 4] = measured
        .split(' ')
        .map(|n| n.parse().expect("a number"))
        .collect::<Vec<_>>()
        .try_into()
        .expect("four numbers");
    assert_eq!(viewport, 360, "{measured}");
    assert!(scroll <= viewport, "scrolls sideways: {measured}");
    assert!(right <= viewport, "the board is cut: {measured}");
    assert!(smallest >= 44, "cells under 44 px: {measured}");
}

/// A page against a person typing into nc: the server speaks sentences to
/// one and protocol to the other, and both hear the same game.
#[test]
fn a_page_plays_a_person_in_nc() {
    let Some(driver) = driver() else { return };
    let (server, port) = web_server(&[]);
    let mut carol = server.welcomed();
    carol.send("play carol");
    carol.read_until("q to leave.");
    let ann = driver.page();
    join(&ann, port, "ann");
    ann.wait_status("Game on against carol: you are O");
    carol.read_until("Type a cell 1-9.");
    for (cell, said) in [(1, "You took 1."), (5, "You took 5.")] {
        carol.send(&cell.to_string());
        carol.read_until(said);
        ann.wait_status(&format!("carol took {cell}"));
        let answer = if cell == 1 { 4 } else { 6 };
        ann.press(&format!("cell {answer}"));
        carol.read_until(&format!("ann took {answer}."));
    }
    carol.send("9");
    carol.read_until("You win! Three in a row on 1 5 9.");
    ann.wait_status("You lose: carol got three in a row on 1 5 9.");
}

/// A page against the console client in a pseudo-terminal.
#[cfg(unix)]
#[test]
fn a_page_plays_the_console_client() {
    use ttt_test_support::{Terminal, binary};
    let Some(driver) = driver() else { return };
    let (server, port) = web_server(&[]);
    let client = binary("ttt-client", "ttt-client");
    let game_port = server.port.to_string();
    let env = [
        ("HOST", "127.0.0.1"),
        ("PORT", game_port.as_str()),
        ("TTT_NAME", "tty"),
        ("TERM", "xterm-256color"),
    ];
    let mut term = Terminal::start(&client.to_string_lossy(), &[], &env, 80, 24);
    term.wait_for("Waiting for an opponent");
    let ann = driver.page();
    join(&ann, port, "ann");
    ann.wait_status("Game on against tty: you are O, tty is X; they move first.");
    for (tty, page) in [(1, 4), (2, 5)] {
        term.wait_for("Your move.");
        term.send(tty.to_string().as_bytes());
        ann.wait_status(&format!("tty took {tty}"));
        ann.press(&format!("cell {page}"));
        term.wait_for(&format!("ann took {page}."));
    }
    term.send(b"3");
    term.wait_for("You win! Three in a row on 1 2 3.");
    ann.wait_status("You lose: tty got three in a row on 1 2 3.");
}

/// The page's connection cut under it mid-game (`ss -K`, as a phone that
/// lost its Wi-Fi): the server holds the seat, the page comes back with
/// its token by itself, keeps the moves it had listed, and the game ends
/// with the right result for both.
#[cfg(unix)]
#[test]
fn a_page_comes_back_after_its_connection_is_cut() {
    let Some(driver) = driver() else { return };
    let (server, port) = web_server(&[]);
    let ann = driver.page();
    join(&ann, port, "ann");
    ann.wait_status("Waiting for an opponent");
    let mut bob = server.connect_from(std::net::Ipv4Addr::new(127, 0, 0, 2));
    bob.expect_prefix("WELCOME 1");
    bob.send("HELLO 1 bob");
    bob.expect("START O ann");
    bob.expect("BOARD ......... X");
    ann.press("cell 1");
    bob.expect("BOARD X........ O");
    if !ttt_test_support::kill_client_sockets(port) {
        eprintln!("skipped: ss -K needs root and iproute2");
        return;
    }
    ann.wait_status("Connection lost; coming back (try 1, ");
    bob.send("MOVE 4");
    bob.expect("BOARD X..O..... X");
    ann.wait_status("You are back. bob took 4. Your move (X), ");
    assert_eq!(ann.label_of_cell(4), "cell 4, O");
    ann.press("cell 2");
    bob.expect("BOARD XX.O..... O");
    bob.send("MOVE 5");
    bob.expect("BOARD XX.OO.... X");
    ann.press("cell 3");
    bob.expect("BOARD XXXOO.... -");
    bob.expect("RESULT LOSE LINE 1 2 3");
    ann.wait_status("You win! Three in a row on 1 2 3.");
    let moves = ann.run("return document.getElementById('moves').innerText;");
    assert_eq!(
        moves.lines().collect::<Vec<_>>(),
        [
            "You took 1.",
            "bob took 4.",
            "You took 2.",
            "bob took 5.",
            "You took 3."
        ],
        "the moves listed"
    );
}

/// A name already taken is shown as the server gives it; someone waiting
/// for the table is announced during the game (so no rematch comes as a
/// surprise); having lost, the page is asked to join the back of the line,
/// with the time to answer, and Yes puts it there.
#[test]
fn a_page_hears_who_waits_and_joins_the_line_again() {
    let Some(driver) = driver() else { return };
    let (server, port) = web_server(&[]);
    let mut ann = server.join("ann");
    ann.expect("WAIT");
    let page = driver.page();
    join(&page, port, "ann");
    page.wait_status("The name ann is taken here; you play as ann-2. Game on against ann");
    ann.expect("START X ann-2");
    ann.expect("BOARD ......... X");
    let _carol = server.join("carol");
    page.wait_status("carol is waiting to play: winner stays on, no rematch.");
    for (mine, theirs) in [(1, 4), (2, 5)] {
        ann.send(&mine.to_string());
        ann.expect_prefix("BOARD ");
        page.wait_status(&format!("ann took {mine}. Your move (O), 120 s left."));
        page.press(&format!("cell {theirs}"));
        ann.expect_prefix("BOARD ");
    }
    ann.send("3");
    page.wait_status("You lose: ann got three in a row on 1 2 3.");
    page.wait_status(
        "Others are waiting, so the table goes to the next in line. \
         Join the back of the line to play again? (120 s to answer)",
    );
    page.press("Yes");
    page.wait_status("A game is being played; you play next.");
}
