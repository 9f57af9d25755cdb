//! A restarted emulator keeps everything: its system key (a connector that cached it still
//! works), the registered client key, cards, balances, movements and PIN blocks; the file is
//! private.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use necipco::emulator::{self, EmulatorConfig};
use necipco::wire::*;
use std::time::Duration;

#[tokio::test]
async fn a_restart_keeps_keys_cards_money_and_pin_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let config = || EmulatorConfig {
        data_dir: Some(dir.path().to_path_buf()),
        pin_block: Duration::from_secs(600),
        ..config()
    };
    let emu = start_emulator(config()).await;
    let client = client_for(&emu);
    client.register_public_key().await.unwrap();
    let (id, pan) = active_card(&emu, &client, 1).await;
    disburse(&client, &id, "1234.56").await;
    set_pin(&client, &id, "2468").await;
    for _ in 0..4 {
        assert!(!client
            .validate_pin(&card_ref(&id), &Sensitive::new("0000"), lat(), lon())
            .await
            .unwrap());
    }
    let blocked = client
        .validate_pin(&card_ref(&id), &Sensitive::new("0000"), lat(), lon())
        .await;
    assert_eq!(code_of(blocked), (429, ErrorCode::PinLocked));
    let system_before = emu.system_public_key();
    let file = emu.state_file().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"1234.56\""), "money is kept as exact text");
    emu.shutdown().await;

    // Same data dir, new port, no seeds: everything is still there.
    let emu = emulator::start("127.0.0.1:0".parse().unwrap(), config(), &[])
        .await
        .unwrap();
    assert_eq!(emu.system_public_key(), system_before);
    assert_eq!(emu.card_balance(&id), Some(dec("1234.56")));
    let client = client_for(&emu);
    let info = client.card_info(&card_ref(&id)).await.unwrap();
    assert_eq!(info.card.card_number.unwrap().expose(), pan);
    let balance = client.balance(&card_ref(&id), true).await.unwrap();
    assert_eq!(balance.available.to_string(), "1234.56");
    assert_eq!(balance.movements.unwrap().len(), 1);
    let still = client
        .validate_pin(&card_ref(&id), &Sensitive::new("2468"), lat(), lon())
        .await;
    assert_eq!(code_of(still), (429, ErrorCode::PinLocked));
    emu.shutdown().await;
}

#[tokio::test]
async fn without_a_data_dir_nothing_is_written() {
    let emu = start_emulator(config()).await;
    assert_eq!(emu.state_file(), None);
    emu.shutdown().await;
}
