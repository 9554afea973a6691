//! The one combinator the client needs: race two futures (a read against a timer).

use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;

/// Which future finished first.
pub(crate) enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Polls both futures until one is ready; the other is dropped. `a` wins a tie, so bytes that are
/// already there are read before a timer that is also due fires.
pub(crate) async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(out) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(out));
        }
        if let Poll::Ready(out) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(out));
        }
        Poll::Pending
    })
    .await
}
