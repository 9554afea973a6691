//! Bytes waiting to be sent, coalesced per socket until the page flushes them.
//!
//! A real broker's flood arrives as one WebSocket frame per PUBLISH, and every frame's
//! acknowledgement (PUBACK, PUBREC, PUBCOMP) would otherwise cost its own `ws.send` — a browser's
//! per-frame cost dominates MQTT over WebSocket. The driver queues sends here and flushes them from a
//! zero-delay timer, so the acknowledgements of every frame that arrived in the meantime leave in one
//! frame per socket. Order is kept: bytes for a socket are appended in the order they were queued,
//! and a socket's waiting bytes are taken out before it is closed.

use super::workspace::SocketId;

/// Sends waiting to be written, one buffer per socket, sockets in the order they first had bytes.
#[derive(Debug, Default)]
pub struct Outbox {
    waiting: Vec<(SocketId, Vec<u8>)>,
}

impl Outbox {
    /// Queues `bytes` for `socket`; true when nothing was waiting before (schedule a flush then).
    pub fn push(&mut self, socket: SocketId, bytes: Vec<u8>) -> bool {
        let was_empty = self.waiting.is_empty();
        match self.waiting.iter_mut().find(|(id, _)| *id == socket) {
            Some((_, buffer)) => buffer.extend_from_slice(&bytes),
            None => self.waiting.push((socket, bytes)),
        }
        was_empty
    }

    /// Takes what waits for `socket` (before closing it).
    pub fn take(&mut self, socket: SocketId) -> Option<Vec<u8>> {
        let at = self.waiting.iter().position(|(id, _)| *id == socket)?;
        Some(self.waiting.remove(at).1)
    }

    /// Takes everything: one buffer per socket.
    pub fn take_all(&mut self) -> Vec<(SocketId, Vec<u8>)> {
        std::mem::take(&mut self.waiting)
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_to_one_socket_coalesce_in_order() {
        let mut outbox = Outbox::default();
        assert!(
            outbox.push(1, vec![0x40, 2, 0, 1]),
            "the first send asks for a flush"
        );
        assert!(
            !outbox.push(1, vec![0x40, 2, 0, 2]),
            "later ones ride along"
        );
        assert_eq!(
            outbox.take_all(),
            vec![(1, vec![0x40, 2, 0, 1, 0x40, 2, 0, 2])]
        );
        assert!(outbox.is_empty());
        assert!(
            outbox.push(1, vec![0xC0, 0]),
            "after a flush the next send asks again"
        );
    }

    #[test]
    fn sockets_stay_apart_in_the_order_they_first_sent() {
        let mut outbox = Outbox::default();
        outbox.push(2, vec![0x50, 2, 0, 7]);
        outbox.push(1, vec![0x40, 2, 0, 1]);
        outbox.push(2, vec![0x70, 2, 0, 6]);
        assert_eq!(
            outbox.take_all(),
            vec![
                (2, vec![0x50, 2, 0, 7, 0x70, 2, 0, 6]),
                (1, vec![0x40, 2, 0, 1])
            ]
        );
    }

    #[test]
    fn a_closing_socket_takes_its_bytes_first_and_leaves_the_others() {
        let mut outbox = Outbox::default();
        outbox.push(1, vec![0x40, 2, 0, 1]);
        outbox.push(2, vec![0xE0, 0]);
        assert_eq!(outbox.take(2), Some(vec![0xE0, 0]));
        assert_eq!(outbox.take(2), None);
        assert_eq!(outbox.take_all(), vec![(1, vec![0x40, 2, 0, 1])]);
    }
}
