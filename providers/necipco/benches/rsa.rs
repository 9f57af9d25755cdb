//! The cost of NeCIPCo's RSA field encryption, through the crate's own API (`necipco::crypto`):
//! one 2048-bit key generation, one RSA-OAEP-SHA256 encryption of a 16-digit card number with
//! the public key (as Flux does for every `card_number` it sends), and one decryption with the
//! private key (as the emulator, or a reveal, does). Plain `main`, timed with `Instant`: no
//! benchmark framework in the lock file.
//!   cargo bench -p necipco --bench rsa            (ITERATIONS=2000 by default)
use std::hint::black_box;
use std::time::{Duration, Instant};

use necipco::crypto::{KeyPair, Padding};

const CARD: &str = "4772130000000003";

fn per_op(total: Duration, n: u32) -> f64 {
    total.as_secs_f64() * 1e6 / f64::from(n)
}

fn main() {
    let iterations: u32 = std::env::var("ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let keygens: u32 = std::env::var("KEYGENS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);

    // Key generation: slow and of very variable cost (prime search), so a few, and the spread.
    let mut generation = Vec::new();
    let mut pair = None;
    for _ in 0..keygens.max(1) {
        let start = Instant::now();
        let generated = KeyPair::generate().expect("a 2048-bit key pair");
        generation.push(start.elapsed());
        pair = Some(generated);
    }
    let pair = pair.expect("at least one key pair");
    let public = pair.public_key().clone();

    // Warm up both directions once, and check the round trip.
    let field = public
        .encrypt_for_body(Padding::OaepSha256, CARD)
        .expect("encrypt");
    let clear = pair
        .decrypt_field(Padding::OaepSha256, field.expose())
        .expect("decrypt");
    assert_eq!(clear.expose(), CARD);

    let start = Instant::now();
    for _ in 0..iterations {
        black_box(
            public
                .encrypt_for_body(Padding::OaepSha256, black_box(CARD))
                .expect("encrypt"),
        );
    }
    let encrypt = start.elapsed();

    let start = Instant::now();
    for _ in 0..iterations {
        black_box(
            pair.decrypt_field(Padding::OaepSha256, black_box(field.expose()))
                .expect("decrypt"),
        );
    }
    let decrypt = start.elapsed();

    let gen_us: Vec<f64> = generation.iter().map(|d| d.as_secs_f64() * 1e6).collect();
    let gen_mean = gen_us.iter().sum::<f64>() / gen_us.len() as f64;
    let gen_min = gen_us.iter().copied().fold(f64::INFINITY, f64::min);
    let gen_max = gen_us.iter().copied().fold(0.0, f64::max);

    println!(
        "necipco::crypto, RSA-2048, OAEP-SHA256, a 16-digit card number; {iterations} iterations, {} key generations",
        gen_us.len()
    );
    println!("| operation                                         | µs/op    | ops/s    |");
    println!("|---------------------------------------------------|----------|----------|");
    let row = |name: &str, us: f64| println!("| {name:<49} | {us:>8.1} | {:>8.0} |", 1e6 / us);
    row(
        "encrypt (public key, encrypt_for_body, base64)",
        per_op(encrypt, iterations),
    );
    row(
        "decrypt (private key, decrypt_field, from base64)",
        per_op(decrypt, iterations),
    );
    println!(
        "| key generation (KeyPair::generate), mean          | {gen_mean:>8.0} | {:>8.1} |",
        1e6 / gen_mean
    );
    println!("  key generation min {gen_min:.0} µs, max {gen_max:.0} µs");
}
