//! What the server tells one person (a refused command, a change undone):
//! a code the client words in that person's language. On the wire it is
//! y-protocols' permission-denied reason, `"<code>: <English text>"`, so
//! any Yjs client still reads a sentence and ours reads the code.

use crate::Lang;

/// Something the server tells one peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    NotFacilitator,
    ReadOnly,
    /// A change to a locked element, undone.
    Locked,
    TimerRange,
    TimerTooLong,
    LockIds,
    VoteBudget,
    VoteScope,
    NoVoteOpen,
    VoteIds,
    TooManyVoters,
    NoVotesLeft,
    /// A vote on an element the open vote's scope does not take.
    VoteNotInScope,
    UnknownScript,
    NoSuchPhase,
    NotAnEmoji,
    UnreadableCommand,
    OneHello,
    HelloBeforeVoting,
    HelloBeforePrivate,
    PrivateTooBig,
    PrivateTooMany,
}

/// Every notice, for tests and for reading codes back.
pub const ALL: [Notice; 22] = [
    Notice::NotFacilitator,
    Notice::ReadOnly,
    Notice::Locked,
    Notice::TimerRange,
    Notice::TimerTooLong,
    Notice::LockIds,
    Notice::VoteBudget,
    Notice::VoteScope,
    Notice::NoVoteOpen,
    Notice::VoteIds,
    Notice::TooManyVoters,
    Notice::NoVotesLeft,
    Notice::VoteNotInScope,
    Notice::UnknownScript,
    Notice::NoSuchPhase,
    Notice::NotAnEmoji,
    Notice::UnreadableCommand,
    Notice::OneHello,
    Notice::HelloBeforeVoting,
    Notice::HelloBeforePrivate,
    Notice::PrivateTooBig,
    Notice::PrivateTooMany,
];

impl Notice {
    /// The stable code sent on the wire.
    pub fn code(self) -> &'static str {
        match self {
            Notice::NotFacilitator => "not-facilitator",
            Notice::ReadOnly => "read-only",
            Notice::Locked => "locked",
            Notice::TimerRange => "timer-range",
            Notice::TimerTooLong => "timer-too-long",
            Notice::LockIds => "lock-ids",
            Notice::VoteBudget => "vote-budget",
            Notice::VoteScope => "vote-scope",
            Notice::NoVoteOpen => "no-vote-open",
            Notice::VoteIds => "vote-ids",
            Notice::TooManyVoters => "too-many-voters",
            Notice::NoVotesLeft => "no-votes-left",
            Notice::VoteNotInScope => "vote-not-in-scope",
            Notice::UnknownScript => "unknown-script",
            Notice::NoSuchPhase => "no-such-phase",
            Notice::NotAnEmoji => "not-an-emoji",
            Notice::UnreadableCommand => "unreadable-command",
            Notice::OneHello => "one-hello",
            Notice::HelloBeforeVoting => "hello-before-voting",
            Notice::HelloBeforePrivate => "hello-before-private",
            Notice::PrivateTooBig => "private-too-big",
            Notice::PrivateTooMany => "private-too-many",
        }
    }

    /// What a person reads, in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (en, fr) = match self {
            Notice::NotFacilitator => (
                "Only the board's facilitator can do this",
                "Seul l'animateur du tableau peut faire cela",
            ),
            Notice::ReadOnly => (
                "Your link only lets you view the board",
                "Votre lien permet seulement de voir le tableau",
            ),
            Notice::Locked => (
                "Locked: only the facilitator can change a locked element",
                "Verrouillé : seul l'animateur peut modifier un élément verrouillé",
            ),
            Notice::TimerRange => (
                "The timer runs from 1 second to 4 hours",
                "Le minuteur va d'une seconde à 4 heures",
            ),
            Notice::TimerTooLong => (
                "The timer cannot go past 4 hours",
                "Le minuteur ne peut pas dépasser 4 heures",
            ),
            Notice::LockIds => (
                "Nothing to lock: choose elements of the board",
                "Rien à verrouiller : choisissez des éléments du tableau",
            ),
            Notice::VoteBudget => (
                "A vote gives each person 1 to 20 votes",
                "Un vote donne à chacun de 1 à 20 voix",
            ),
            Notice::VoteScope => (
                "A vote is on the whole board or on one frame",
                "Un vote porte sur tout le tableau ou sur un cadre",
            ),
            Notice::NoVoteOpen => ("No vote is open", "Aucun vote n'est ouvert"),
            Notice::VoteIds => ("That cannot be voted on", "On ne peut pas voter pour cela"),
            Notice::TooManyVoters => ("This vote has too many voters", "Ce vote a trop de votants"),
            Notice::NoVotesLeft => (
                "You have no votes left: take one back first",
                "Vous n'avez plus de voix : retirez-en une d'abord",
            ),
            Notice::VoteNotInScope => (
                "This vote is not on that: see the vote's banner",
                "Ce vote ne porte pas sur cela : voir le bandeau du vote",
            ),
            Notice::UnknownScript => (
                "This method is not on the server",
                "Cette méthode n'existe pas sur le serveur",
            ),
            Notice::NoSuchPhase => (
                "The method has no such step",
                "La méthode n'a pas cette étape",
            ),
            Notice::NotAnEmoji => (
                "Only the offered reactions can be sent",
                "Seules les réactions proposées peuvent être envoyées",
            ),
            Notice::UnreadableCommand => (
                "The server could not read that request",
                "Le serveur n'a pas pu lire cette demande",
            ),
            Notice::OneHello => (
                "One identity per connection",
                "Une seule identité par connexion",
            ),
            Notice::HelloBeforeVoting => (
                "Still connecting: try the vote again in a moment",
                "Connexion en cours : revotez dans un instant",
            ),
            Notice::HelloBeforePrivate => (
                "Still connecting: your private notes are kept and sent in a moment",
                "Connexion en cours : vos notes privées sont gardées et envoyées dans un instant",
            ),
            Notice::PrivateTooBig => (
                "Too many private notes (1 MiB at most): the facilitator can reveal them",
                "Trop de notes privées (1 Mio au plus) : l'animateur peut les révéler",
            ),
            Notice::PrivateTooMany => (
                "Too many people writing privately on this board",
                "Trop de personnes écrivent en privé sur ce tableau",
            ),
        };
        match lang {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    /// The permission-denied reason sent to the peer.
    pub fn wire(self) -> String {
        format!("{}: {}", self.code(), self.text(Lang::En))
    }

    /// The notice a permission-denied reason names, if it is one.
    pub fn read(reason: &str) -> Option<Notice> {
        let code = reason.split_once(':').map_or(reason, |(code, _)| code);
        ALL.into_iter().find(|n| n.code() == code.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_goes_over_the_wire_and_back_in_both_languages() {
        let mut codes = std::collections::HashSet::new();
        for notice in ALL {
            assert!(codes.insert(notice.code()), "{notice:?}: code used twice");
            assert_eq!(Notice::read(&notice.wire()), Some(notice));
            assert_ne!(notice.text(Lang::En), notice.text(Lang::Fr), "{notice:?}");
        }
        assert_eq!(Notice::read("something else"), None);
        assert_eq!(Notice::read("no-votes-left"), Some(Notice::NoVotesLeft));
    }
}
