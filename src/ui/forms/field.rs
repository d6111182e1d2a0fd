//! The inputs a form is made of: typed text, a choice among the tenant's
//! values, an on/off flag.

use super::input::TextInput;

/// One option of a choice: what is sent, and what the screen says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub value: String,
    pub label: String,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self { value: value.into(), label: label.into() }
    }

    /// An option shown as what it sends.
    pub fn plain(value: impl Into<String>) -> Self {
        let value = value.into();
        Self { label: value.clone(), value }
    }
}

/// A value picked from a list: ←→ cycle, a typed letter jumps to the next
/// option starting with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    options: Vec<Opt>,
    index: usize,
}

impl Choice {
    /// `options`, with the one whose value is `chosen` picked (else the first).
    pub fn new(options: Vec<Opt>, chosen: &str) -> Self {
        let index = options.iter().position(|o| o.value == chosen).unwrap_or(0);
        Self { options, index }
    }

    pub fn value(&self) -> &str {
        self.options.get(self.index).map_or("", |o| o.value.as_str())
    }

    pub fn label(&self) -> &str {
        self.options.get(self.index).map_or("", |o| o.label.as_str())
    }

    pub fn options(&self) -> &[Opt] {
        &self.options
    }

    pub fn position(&self) -> usize {
        self.index
    }

    pub fn cycle(&mut self, delta: isize) {
        let n = self.options.len();
        if n > 0 {
            let step = delta.rem_euclid(n as isize) as usize;
            self.index = (self.index + step) % n;
        }
    }

    /// Picks the next option after the current one whose label starts with
    /// `c`; false when none does.
    pub fn jump(&mut self, c: char) -> bool {
        let n = self.options.len();
        let starts = |o: &Opt| o.label.chars().next().is_some_and(|f| f.to_lowercase().eq(c.to_lowercase()));
        let found = (1..=n).map(|k| (self.index + k) % n).find(|&i| starts(&self.options[i]));
        if let Some(i) = found {
            self.index = i;
        }
        found.is_some()
    }

    /// Picks the option whose value is `value`, if there is one.
    pub fn pick(&mut self, value: &str) {
        if let Some(i) = self.options.iter().position(|o| o.value == value) {
            self.index = i;
        }
    }

    /// Replaces the options, keeping the current value picked when it is
    /// still one of them.
    pub fn set_options(&mut self, options: Vec<Opt>) {
        let current = self.value().to_string();
        *self = Self::new(options, &current);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Text(TextInput),
    Choice(Choice),
    Toggle(bool),
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    /// The name the domain's rules use for it (`pauseReason`,
    /// `attributes[2].key`): the problems reported under this name show
    /// beside the field.
    pub name: String,
    pub input: Input,
    /// Shown dimmed in an empty text field, or beside a flag: what goes here.
    pub help: String,
    /// Shown dimmed after a filled text field: what its value stands for
    /// (the agent an id names), so an id is never the only thing seen.
    pub aside: String,
    /// Said instead of `aside` where it does not fit whole ("no such
    /// agent"); empty where a shortened aside would mislead (a cut name).
    pub aside_short: String,
    /// Fields of one row (an attribute's key, value and mode) share a line.
    pub row: Option<usize>,
    /// A long value shows whole, over as many lines as it needs, instead of
    /// scrolling within one (JSON to read while editing it).
    pub wraps: bool,
    /// Edited since the form opened: its problems show as they are typed.
    pub touched: bool,
    /// Its problems show though it was not edited: a choice elsewhere made
    /// it wrong.
    pub revealed: bool,
}

impl Field {
    pub fn text(name: &str, label: &str, value: &str, help: &str) -> Self {
        Self::new(name, label, Input::Text(TextInput::new(value)), help)
    }

    pub fn choice(name: &str, label: &str, choice: Choice) -> Self {
        Self::new(name, label, Input::Choice(choice), "")
    }

    pub fn toggle(name: &str, label: &str, on: bool, help: &str) -> Self {
        Self::new(name, label, Input::Toggle(on), help)
    }

    fn new(name: &str, label: &str, input: Input, help: &str) -> Self {
        Self {
            label: label.into(),
            name: name.into(),
            input,
            help: help.into(),
            aside: String::new(),
            aside_short: String::new(),
            row: None,
            wraps: false,
            touched: false,
            revealed: false,
        }
    }

    pub fn wrapping(mut self) -> Self {
        self.wraps = true;
        self
    }

    pub fn in_row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    /// What the field holds, as text: typed text, the chosen value, or
    /// `true`/`false`.
    pub fn value(&self) -> String {
        match &self.input {
            Input::Text(input) => input.text().to_string(),
            Input::Choice(choice) => choice.value().to_string(),
            Input::Toggle(on) => on.to_string(),
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self.input, Input::Toggle(true))
    }

    /// Whether a problem named `problem` belongs here: the same name, or a
    /// part of this field's value (`input.sentiment_score` is in `input`).
    pub fn owns(&self, problem: &str) -> bool {
        problem == self.name
            || problem.strip_prefix(self.name.as_str()).is_some_and(|rest| rest.starts_with(['/', '[', '.']))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_cycle_both_ways_and_jump_by_letter() {
        let options = ["Available", "Busy", "Break", "Training"].map(Opt::plain).to_vec();
        let mut choice = Choice::new(options, "Busy");
        choice.cycle(-2);
        assert_eq!(choice.value(), "Training");
        choice.cycle(1);
        assert_eq!(choice.value(), "Available");
        assert!(choice.jump('b'));
        assert_eq!(choice.value(), "Busy");
        assert!(choice.jump('B'));
        assert_eq!(choice.value(), "Break", "the next one with that letter");
        assert!(!choice.jump('z'));
        assert_eq!(choice.value(), "Break");
    }

    #[test]
    fn problems_under_a_fields_name_belong_to_it() {
        let field = Field::text("input", "Input", "{}", "");
        assert!(field.owns("input") && field.owns("input.sentiment_score"));
        assert!(!field.owns("inputSchema"));
    }
}
