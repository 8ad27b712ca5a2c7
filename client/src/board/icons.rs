//! Icons drawn as SVG, so that a desktop without an emoji font shows them
//! too: the lock, and the reactions (which travel as emoji on the wire, one
//! of [`EMOJI`], and are drawn here).

use atelier_shared::facilitation::EMOJI;
use leptos::prelude::*;

use crate::lang::tr;

/// A closed or open padlock.
pub fn lock(closed: bool) -> impl IntoView {
    let shackle = if closed {
        "M7 9V6.5a3 3 0 0 1 6 0V9"
    } else {
        "M7 9V6.5a3 3 0 0 1 5.8-1"
    };
    view! {
        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true">
            <rect x="4.5" y="9" width="11" height="8" rx="1.5"/>
            <path d=shackle/>
        </svg>
    }
}

/// The name of a reaction, for the buttons' labels.
pub fn reaction_name(emoji: &str) -> &'static str {
    match EMOJI.iter().position(|e| *e == emoji) {
        Some(0) => tr("Thumbs up", "Pouce levé"),
        Some(1) => tr("Love", "Cœur"),
        Some(2) => tr("Laugh", "Rire"),
        Some(3) => tr("Surprise", "Surprise"),
        Some(4) => tr("Celebrate", "Bravo"),
        Some(5) => tr("Hmm", "Hum"),
        _ => "",
    }
}

/// A reaction's picture (one of [`EMOJI`]; nothing for any other).
pub fn reaction(emoji: &str) -> impl IntoView + use<> {
    const INK: &str = "#3b2f1e";
    const FACE: &str = "#f7c948";
    let face = || view! { <circle cx="10" cy="10" r="8" fill=FACE stroke=INK stroke-width="1"/> };
    let index = EMOJI.iter().position(|e| *e == emoji);
    let inner = match index {
        // A thumb up.
        Some(0) => view! {
            <path d="M3.5 9h3v8h-3z" fill="#e9a23b" stroke=INK stroke-width="1" stroke-linejoin="round"/>
            <path d="M6.5 9l3-5.5c1.3 0 2.2.9 2 2.3L11 8.5h4.3a1.6 1.6 0 0 1 1.6 1.9l-1.1 5.2A1.8 1.8 0 0 1 14 17H6.5z"
                fill=FACE stroke=INK stroke-width="1" stroke-linejoin="round"/>
        }
        .into_any(),
        // A heart.
        Some(1) => view! {
            <path d="M10 17s-7-4.3-7-9a3.8 3.8 0 0 1 7-2 3.8 3.8 0 0 1 7 2c0 4.7-7 9-7 9z"
                fill="#e0453a" stroke="#8f1d16" stroke-width="1" stroke-linejoin="round"/>
        }
        .into_any(),
        // A laughing face, with tears.
        Some(2) => view! {
            {face()}
            <path d="M5.8 8.2q1.2-1.4 2.4 0M11.8 8.2q1.2-1.4 2.4 0" fill="none" stroke=INK stroke-width="1.2" stroke-linecap="round"/>
            <path d="M5.5 10.8h9a4.5 4.5 0 0 1-9 0z" fill=INK/>
            <path d="M3.2 9.5q-1.6 2.2 0 3 1.5-.8 0-3zM16.8 9.5q1.6 2.2 0 3-1.5-.8 0-3z" fill="#4fa3e0"/>
        }
        .into_any(),
        // A surprised face.
        Some(3) => view! {
            {face()}
            <circle cx="7.2" cy="8" r="1.1" fill=INK/>
            <circle cx="12.8" cy="8" r="1.1" fill=INK/>
            <ellipse cx="10" cy="13" rx="2" ry="2.4" fill=INK/>
        }
        .into_any(),
        // A party popper and its confetti.
        Some(4) => view! {
            <path d="M3 17.5l3.5-10 6.5 6.5z" fill="#e4572e" stroke=INK stroke-width="1" stroke-linejoin="round"/>
            <path d="M11 3.5l.8 2M16.5 9l-2 .8M14 4.5l-1.5 2" stroke="#2f80ed" stroke-width="1.4" stroke-linecap="round"/>
            <circle cx="16" cy="4" r="1" fill="#27ae60"/>
            <circle cx="9" cy="5" r=".9" fill="#f2c94c"/>
            <circle cx="15.5" cy="13" r=".9" fill="#9b51e0"/>
        }
        .into_any(),
        // A thinking face.
        Some(5) => view! {
            {face()}
            <path d="M5.8 6.6l2.4-.8M11.8 6.2l2.4.4" stroke=INK stroke-width="1.1" stroke-linecap="round"/>
            <circle cx="7.2" cy="8.6" r="1" fill=INK/>
            <circle cx="12.8" cy="8.6" r="1" fill=INK/>
            <path d="M7.5 13.2l5-.9" stroke=INK stroke-width="1.2" stroke-linecap="round"/>
            <path d="M4.5 15.5q2-2.4 4.5-1.2l.2 1.6-2.9.9z" fill="#e9a23b" stroke=INK stroke-width=".9" stroke-linejoin="round"/>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! { <svg class="reaction-icon" viewBox="0 0 20 20" aria-hidden="true">{inner}</svg> }
}
