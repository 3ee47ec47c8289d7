//! The keyboard and mouse at the full-screen board, read through crossterm
//! (the same on Linux, macOS and Windows) and turned into
//! [`Key`]s (see `crate::input`).
//!
//! [`Key::from_event`] is pure, so what each key means is unit-tested; the
//! thread in [`spawn_key_reader`] only reads and forwards.

use std::io;
use std::sync::mpsc::SyncSender;
use std::thread;

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};

use crate::events::{Event, Incoming};
use crate::input::{Arrow, Input, Key};

/// What a terminal event is to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// A key or click.
    Key(Key),
    /// Ctrl-C: in raw mode it is a key, not a signal.
    Interrupt,
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// Nothing the client uses (a key release, a mouse move, a focus
    /// change, a modifier alone).
    Nothing,
}

impl Key {
    /// What a crossterm event means here. Only key presses count: on
    /// Windows a key also reports its release (and, with the keyboard
    /// enhancement protocol, repeats), which would play every key twice
    /// (crossterm issue 772).
    pub fn from_event(event: &TermEvent) -> Read {
        match event {
            TermEvent::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press,
                ..
            }) => {
                let ctrl = modifiers.contains(KeyModifiers::CONTROL);
                match code {
                    KeyCode::Char('c' | 'C') if ctrl => Read::Interrupt,
                    KeyCode::Char('d' | 'D') if ctrl => Read::Key(Key::EndOfInput),
                    KeyCode::Char(_) if ctrl || modifiers.contains(KeyModifiers::ALT) => {
                        Read::Nothing
                    }
                    KeyCode::Char(' ') | KeyCode::Enter => Read::Key(Key::Enter),
                    KeyCode::Char(c) => Read::Key(Key::Char(*c)),
                    KeyCode::Up => Read::Key(Key::Arrow(Arrow::Up)),
                    KeyCode::Down => Read::Key(Key::Arrow(Arrow::Down)),
                    KeyCode::Left => Read::Key(Key::Arrow(Arrow::Left)),
                    KeyCode::Right => Read::Key(Key::Arrow(Arrow::Right)),
                    _ => Read::Nothing,
                }
            }
            TermEvent::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column,
                row,
                ..
            }) => Read::Key(Key::Click {
                col: *column,
                row: *row,
            }),
            TermEvent::Resize(cols, rows) => Read::Resize(*cols, *rows),
            _ => Read::Nothing,
        }
    }
}

/// Reads the terminal's events until the channel closes. Blocking: the
/// thread sleeps in the read until a key comes, so an idle client uses no
/// CPU.
pub fn spawn_key_reader(events: SyncSender<Incoming>) -> io::Result<()> {
    thread::Builder::new()
        .name("key reader".into())
        .spawn(move || {
            loop {
                let incoming = match crossterm::event::read() {
                    Ok(event) => match Key::from_event(&event) {
                        Read::Key(key) => Incoming::Input(Input::Key(key)),
                        Read::Interrupt => Incoming::Event(Event::Interrupt),
                        Read::Resize(cols, rows) => Incoming::Input(Input::Resize(cols, rows)),
                        Read::Nothing => continue,
                    },
                    Err(_) => {
                        // The terminal is gone: nobody can answer a
                        // question any more. Leave at once, telling the
                        // server (two Ctrl-C's worth).
                        for _ in 0..2 {
                            let _ = events.send(Incoming::Event(Event::Interrupt));
                        }
                        return;
                    }
                };
                if events.send(incoming).is_err() {
                    return;
                }
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventState, MouseEvent};

    fn key(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> TermEvent {
        TermEvent::Key(KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        })
    }

    fn press(code: KeyCode) -> Read {
        Key::from_event(&key(code, KeyModifiers::NONE, KeyEventKind::Press))
    }

    #[test]
    fn presses_are_keys_and_releases_are_nothing() {
        assert_eq!(press(KeyCode::Char('5')), Read::Key(Key::Char('5')));
        assert_eq!(press(KeyCode::Enter), Read::Key(Key::Enter));
        assert_eq!(press(KeyCode::Char(' ')), Read::Key(Key::Enter));
        assert_eq!(press(KeyCode::Left), Read::Key(Key::Arrow(Arrow::Left)));
        for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
            assert_eq!(
                Key::from_event(&key(KeyCode::Char('5'), KeyModifiers::NONE, kind)),
                Read::Nothing
            );
        }
        assert_eq!(press(KeyCode::F(1)), Read::Nothing);
    }

    #[test]
    fn control_keys() {
        let ctrl = |c| {
            Key::from_event(&key(
                KeyCode::Char(c),
                KeyModifiers::CONTROL,
                KeyEventKind::Press,
            ))
        };
        assert_eq!(ctrl('c'), Read::Interrupt);
        assert_eq!(ctrl('d'), Read::Key(Key::EndOfInput));
        assert_eq!(ctrl('z'), Read::Nothing);
        let alt = key(KeyCode::Char('5'), KeyModifiers::ALT, KeyEventKind::Press);
        assert_eq!(Key::from_event(&alt), Read::Nothing);
    }

    #[test]
    fn clicks_and_resizes() {
        let click = |kind| {
            Key::from_event(&TermEvent::Mouse(MouseEvent {
                kind,
                column: 7,
                row: 3,
                modifiers: KeyModifiers::NONE,
            }))
        };
        assert_eq!(
            click(MouseEventKind::Down(MouseButton::Left)),
            Read::Key(Key::Click { col: 7, row: 3 })
        );
        assert_eq!(click(MouseEventKind::Up(MouseButton::Left)), Read::Nothing);
        assert_eq!(click(MouseEventKind::Moved), Read::Nothing);
        assert_eq!(
            Key::from_event(&TermEvent::Resize(40, 15)),
            Read::Resize(40, 15)
        );
    }
}
