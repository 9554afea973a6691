//! The streaming decoder against arbitrary bytes in arbitrary chunkings.
//!
//! Input layout: `control, [split header], stream...`
//!
//! * `control` bit 0: protocol version (0 = 3.1.1, 1 = 5.0); bits 1–2: chunking mode; bits 3–7: `p`.
//!   - mode 0: one byte per push;
//!   - mode 1: pushes of `p + 1` bytes;
//!   - mode 2: the next byte `n` (mod 16) is followed by `n` chunk sizes (0 = an empty push), used in a
//!     cycle (n = 0: everything in one push);
//!   - mode 3: sizes `0..=8p` from a xorshift seeded by the next byte.
//! * the rest is the byte stream, fed to a [`Decoder`] with a 64 KiB maximum packet size, pulling packets
//!   after every push until it needs more bytes or fails.
//!
//! Properties checked:
//! 1. every packet round-trips: encode succeeds (the decoder accepted it, so it is valid; except for the
//!    rules in `SENDER_ONLY`, which a receiver must read in order to refuse them), `encode` and
//!    `encoded_len` agree, decoding the encoding gives the same packet using all its bytes, and encoding
//!    that again gives the same bytes (compare packets, not the input bytes: 3.1.1 accepts non-minimal
//!    remaining lengths, and CONNECT is encoded at its own protocol level);
//! 2. each packet equals what the stateless [`decode`] makes of its frame;
//! 3. chunking does not matter: the same stream in one push gives the same frames, then the same error
//!    or the same leftover bytes;
//! 4. no byte is lost or invented: the frames, then the leftover, are exactly the stream (after an error,
//!    the frames are a prefix of it); an error is final, also after more bytes arrive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqtt_core::{
    decode, encode, frame_len, DecodeError, Decoder, Packet, ProtocolVersion, Violation,
};

const MAX_PACKET_SIZE: usize = 64 * 1024;

/// Encode refusals that are not round-trip failures (see `round_trip`).
const SENDER_ONLY: &[Violation] = &[Violation::EmptyClientIdNeedsCleanSession];

/// What one decoder run produced.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    /// The bytes of each packet handed out, in order.
    frames: Vec<Vec<u8>>,
    /// How it ended: the error, or `Ok(leftover bytes)` when it needs more.
    end: Result<Vec<u8>, DecodeError>,
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let version = if control & 1 == 0 {
        ProtocolVersion::V311
    } else {
        ProtocolVersion::V5
    };
    let p = usize::from(control >> 3);
    let (sizes, stream): (Vec<usize>, &[u8]) = match (control >> 1) & 0b11 {
        0 => (vec![1], rest),
        1 => (vec![p + 1], rest),
        2 => {
            let Some((&n, rest)) = rest.split_first() else {
                return;
            };
            let n = usize::from(n % 16).min(rest.len());
            let (split, stream) = rest.split_at(n);
            (
                split.iter().map(|&size| usize::from(size)).collect(),
                stream,
            )
        }
        _ => {
            let Some((&seed, rest)) = rest.split_first() else {
                return;
            };
            let mut state = u32::from(seed) | 0x100;
            let sizes = (0..64)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    state as usize % (8 * p + 1)
                })
                .collect();
            (sizes, rest)
        }
    };

    let chunked = run(stream, version, &sizes);
    let whole = run(stream, version, &[]);
    assert_eq!(
        chunked, whole,
        "chunking changed the outcome ({version:?}, sizes {sizes:?})"
    );

    let consumed: Vec<u8> = chunked.frames.concat();
    match &chunked.end {
        Ok(leftover) => {
            let mut all = consumed.clone();
            all.extend_from_slice(leftover);
            assert_eq!(all, stream, "frames + leftover must be the stream");
        }
        Err(_) => assert!(
            stream.starts_with(&consumed),
            "frames must be a prefix of the stream"
        ),
    }
});

/// Feeds `stream` in chunks of `sizes` (cycled; empty = all at once), pulling packets after each push.
fn run(stream: &[u8], version: ProtocolVersion, sizes: &[usize]) -> Run {
    let mut decoder = Decoder::new(version).with_max_packet_size(MAX_PACKET_SIZE);
    let mut frames = Vec::new();
    let mut rest = stream;
    let mut size = sizes.iter().copied().cycle();
    let mut pushes = 0usize;
    loop {
        let n = if sizes.is_empty() {
            rest.len()
        } else {
            size.next().unwrap_or(1).min(rest.len())
        };
        let (chunk, tail) = rest.split_at(n);
        decoder.push(chunk);
        rest = tail;
        pushes += 1;
        if let Err(error) = pull(&mut decoder, version, &mut frames) {
            // An error is final: asking again, or pushing more, gives it back.
            assert_eq!(
                decoder.next_packet().err().as_ref(),
                Some(&error),
                "error not sticky"
            );
            decoder.push(rest);
            assert_eq!(
                decoder.next_packet().err().as_ref(),
                Some(&error),
                "error not sticky after push"
            );
            return Run {
                frames,
                end: Err(error),
            };
        }
        // Zero-size chunks could loop forever on a stream that never ends; cap the pushes.
        if rest.is_empty() || pushes > stream.len() * 4 + 64 {
            if !rest.is_empty() {
                decoder.push(rest);
                rest = &[];
                if let Err(error) = pull(&mut decoder, version, &mut frames) {
                    return Run {
                        frames,
                        end: Err(error),
                    };
                }
            }
            debug_assert!(rest.is_empty());
            return Run {
                frames,
                end: Ok(decoder.buffered().to_vec()),
            };
        }
    }
}

/// Pulls packets until the decoder needs more bytes (`Ok`) or fails (`Err`), checking each packet.
fn pull(
    decoder: &mut Decoder,
    version: ProtocolVersion,
    frames: &mut Vec<Vec<u8>>,
) -> Result<(), DecodeError> {
    loop {
        // The frame the next packet will come from (if it is complete), to compare and to replay.
        let frame = match frame_len(decoder.buffered(), version) {
            Ok(Some(len)) => decoder.buffered().get(..len).map(<[u8]>::to_vec),
            _ => None,
        };
        match decoder.next_packet()? {
            None => return Ok(()),
            Some(packet) => {
                let frame =
                    frame.expect("a packet came out, so its frame was complete in the buffer");
                match decode(&frame, version) {
                    Ok(Some((alone, used))) => {
                        assert_eq!(
                            used,
                            frame.len(),
                            "stateless decode used a different length"
                        );
                        assert_eq!(
                            packet, alone,
                            "Decoder and decode disagree on the same frame"
                        );
                    }
                    other => {
                        panic!("Decoder gave {packet:?} but decode of its frame gave {other:?}")
                    }
                }
                round_trip(&packet, version);
                frames.push(frame);
            }
        }
    }
}

/// encode → decode → equal packet; encode again → equal bytes.
fn round_trip(packet: &Packet<'_>, version: ProtocolVersion) {
    let mut bytes = Vec::new();
    let written = match encode(packet, version, &mut bytes) {
        Ok(written) => written,
        // Rules only the sender must keep: the receiver has to read such a packet to answer it, so the
        // decoder accepts what the encoder refuses. 3.1.1 empty client id with Clean Session 0: the
        // client must not send it (MQTT-3.1.3-7), the server must answer CONNACK 0x02 (MQTT-3.1.3-8).
        Err(error) if SENDER_ONLY.contains(&error.violation) => return,
        Err(error) => panic!("decoded packet does not encode: {error}\npacket: {packet:?}"),
    };
    assert_eq!(written, bytes.len(), "encode's return value");
    assert_eq!(
        packet.encoded_len(version).ok(),
        Some(bytes.len()),
        "encoded_len disagrees with encode"
    );
    let again = match decode(&bytes, version) {
        Ok(Some((again, used))) => {
            assert_eq!(
                used,
                bytes.len(),
                "re-decode did not use all the re-encoded bytes"
            );
            again
        }
        other => panic!(
            "re-encoded bytes do not decode: {other:?}\npacket: {packet:?}\nbytes: {bytes:02x?}"
        ),
    };
    assert_eq!(
        &again, packet,
        "round trip changed the packet; bytes: {bytes:02x?}"
    );
    let mut bytes_again = Vec::new();
    encode(&again, version, &mut bytes_again).expect("the re-decoded packet encodes");
    assert_eq!(bytes_again, bytes, "encoding is not stable");
}
