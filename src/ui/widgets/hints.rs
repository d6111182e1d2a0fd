//! Key hints on a line of fixed width. A hint shows whole or not at all:
//! "Ctrl" without its key and label would send the supervisor looking for
//! a key that is not there. When the line is short, the least important
//! hints go first (of equals, the later one), and what stays keeps its order.

/// Which of `items` to keep within `room` columns. Each item is its width,
/// separator included, and its rank: 0 for what must stay longest.
pub fn keep(items: &[(usize, u8)], room: usize) -> Vec<bool> {
    let mut kept = vec![true; items.len()];
    let mut used: usize = items.iter().map(|(width, _)| width).sum();
    while used > room {
        let least = (0..items.len()).filter(|&i| kept[i]).max_by_key(|&i| (items[i].1, i));
        let Some(least) = least else { break };
        kept[least] = false;
        used -= items[least].0;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::keep;

    #[test]
    fn everything_stays_when_it_fits() {
        assert_eq!(keep(&[(5, 1), (5, 0)], 10), [true, true]);
    }

    #[test]
    fn the_least_important_go_first_the_later_of_equals_before_the_earlier() {
        let items = [(4, 0), (6, 2), (3, 2), (8, 1), (4, 0)];
        assert_eq!(keep(&items, 22), [true, true, false, true, true]);
        assert_eq!(keep(&items, 16), [true, false, false, true, true]);
        assert_eq!(keep(&items, 8), [true, false, false, false, true]);
        assert_eq!(keep(&items, 3), [false; 5]);
    }
}
