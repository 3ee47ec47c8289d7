//! `ttt-client`: the console client (work in progress).

fn main() {}
