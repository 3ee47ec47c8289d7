//! The page in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), playing the real server on loopback. Elements are
//! found by their accessible names, as a screen reader finds them.
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

fn join(page: &Page, port: u16, name: &str) {
    page.open(&format!("http://127.0.0.1:{port}/"));
    page.type_into("Your name", name);
    page.press("Play");
}

#[test]
fn two_pages_play_a_whole_game() {
    let Some(driver) = driver() else { return };
    let server = Server::start(&["--web", "0"]);
    let port = server.web_port.expect("web port");
    let ann = driver.page();
    let bob = driver.page();
    join(&ann, port, "ann");
    ann.wait_status("Waiting for an opponent");
    join(&bob, port, "bob");
    ann.wait_status("You play X");
    bob.wait_status("You play O");
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
    ann.wait_status("You win");
    bob.wait_status("You lose");
    // docs/page.png is taken here: TTT_SCREENSHOT=<file> gets the PNG, in
    // base64 as WebDriver sends it.
    if let Some(path) = std::env::var_os("TTT_SCREENSHOT") {
        std::fs::write(path, ann.screenshot_base64()).expect("write the screenshot");
    }
    // The rematch: both say yes, and the marks swap.
    ann.press("Yes");
    bob.press("Yes");
    ann.wait_status("You play O");
    bob.wait_status("You play X");
    bob.press("Leave");
    ann.wait_status("You win");
}

#[test]
fn a_page_plays_the_computer_and_hears_the_server_stop() {
    let Some(driver) = driver() else { return };
    let mut server = Server::start(&["--web", "0", "--computer-pause", "0"]);
    let port = server.web_port.expect("web port");
    let page = driver.page();
    // A name the server refuses: the page asks again, on the same connection.
    join(&page, port, "computer-ann");
    page.wait_status("computer");
    page.type_into("Your name", "ann");
    page.press("Play");
    page.wait_status("Waiting for an opponent");
    page.press("Play the computer");
    page.wait_status("New game against computer-fair");
    page.press("cell 5");
    page.wait_status("computer-fair took");
    assert_eq!(page.label_of_cell(5), "cell 5, X");
    server.signal("INT");
    page.wait_status("server shutting down");
    // The page offers to play again once the server is back.
    page.press("Play");
}
