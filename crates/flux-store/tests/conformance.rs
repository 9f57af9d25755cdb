//! One conformance suite, run against both backends: a real SQLite file and a real PostgreSQL
//! database (from FLUX_TEST_DATABASE_URL; each run creates its own database and drops it).
#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use flux_core::Secret;
use flux_store::testing::with_postgres;
use flux_store::*;
use uuid::Uuid;

async fn suite(store: Store) {
    let store = store.with_secrets_key(&[42u8; 32]);
    store.migrate().await.unwrap();
    store.migrate().await.unwrap(); // idempotent
    store.ping().await.unwrap();
    settings(&store).await;
    let partner = partners_and_keys(&store).await;
    let client = clients_and_accounts(&store, partner).await;
    idempotency(&store, partner).await;
    transactions(&store, partner, client).await;
    claim_with_intent(&store, partner, client).await;
    webhooks(&store, partner, client).await;
    inbound(&store, partner, client).await;
    outbox(&store, partner, client).await;
    outbox_batches(&store, partner, client).await;
    write_lanes(&store).await;
    lane_batch_run_again(&store, ["again-1a", "again-1b"], |run| run == 2, Some(3)).await;
    lane_batch_run_again(&store, ["again-2a", "again-2b"], |run| run >= 2, None).await;
    audit(&store).await;
}

/// Writes for one client, several to a transaction on PostgreSQL: each is answered with its
/// own result, and one that fails (refused after writing, or a statement PostgreSQL aborted)
/// leaves no trace and does not undo its neighbours.
async fn write_lanes(store: &Store) {
    let lanes = [Uuid::new_v4(), Uuid::new_v4()];
    let writes = (0..48usize).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            let body = move || {
                sql::tx_fn(move |tx| {
                    Box::pin(async move {
                        let insert = "INSERT INTO settings (key, value) VALUES ($1, $2)";
                        tx.exec(insert, &[format!("lane-{i}").into(), "v".into()])
                            .await?;
                        match i % 5 {
                            1 => Err(StoreError::Refused {
                                code: "refused".into(),
                                message: "after writing".into(),
                            }),
                            // "k" exists (see `settings`): a unique violation, which aborts the
                            // transaction on PostgreSQL unless only this body's savepoint is undone.
                            2 => tx
                                .exec(insert, &["k".into(), "dup".into()])
                                .await
                                .map(|_| i),
                            _ => Ok(i),
                        }
                    })
                })
            };
            store.write_in_lane(lanes[i % 3 / 2], body).await
        })
    });
    let results = futures::future::join_all(writes).await;
    for (i, result) in results.into_iter().enumerate() {
        let stored = store.get_setting(&format!("lane-{i}")).await.unwrap();
        match (i % 5, result.unwrap()) {
            (1, Err(StoreError::Refused { .. })) | (2, Err(StoreError::Conflict(_))) => {
                assert_eq!(stored, None, "write {i} failed, yet left a row")
            }
            (_, Ok(got)) => {
                assert_eq!(got, i);
                assert_eq!(stored.as_deref(), Some("v"), "write {i} lost");
            }
            (_, other) => panic!("write {i}: {other:?}"),
        }
    }
}

/// A lane batch whose second write is refused runs again. Its first write went through in
/// the first pass and runs again without a savepoint; here it is refused that second time (the
/// database changed between the passes), so the batch starts over with savepoints from it on
/// (here, every write). Each caller gets what committed: the first write its third run (or, refused on that
/// run too, its refusal, with nothing of it left), the second its refusal. A gate holds the
/// lane's first batch so that the two queue into the next one, in order. SQLite runs each
/// write once.
async fn lane_batch_run_again(
    store: &Store,
    keys: [&'static str; 2],
    first_refused: fn(usize) -> bool,
    on_postgres: Option<usize>,
) {
    let lane = Uuid::new_v4();
    let gate = std::sync::Arc::new(tokio::sync::Notify::new());
    // A write that counts its runs and is refused on the ones `refused` picks.
    let write = |key: &'static str, refused: fn(usize) -> bool| {
        let store = store.clone();
        let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        tokio::spawn(async move {
            let body = move || {
                let runs = runs.clone();
                sql::tx_fn(move |tx| {
                    Box::pin(async move {
                        let insert = "INSERT INTO settings (key, value) VALUES ($1, 'v')";
                        tx.exec(insert, &[key.into()]).await?;
                        let run = runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                        if refused(run) {
                            return Err(StoreError::Refused {
                                code: "refused".into(),
                                message: format!("{key}, run {run}"),
                            });
                        }
                        Ok(run)
                    })
                })
            };
            store.write_in_lane(lane, body).await
        })
    };
    let opener = {
        let (store, gate) = (store.clone(), gate.clone());
        tokio::spawn(async move {
            let body = move || {
                let gate = gate.clone();
                sql::tx_fn(move |_tx| {
                    Box::pin(async move {
                        gate.notified().await;
                        Ok(0usize)
                    })
                })
            };
            store.write_in_lane(lane, body).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let first = write(keys[0], first_refused);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = write(keys[1], |_| true);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    gate.notify_one();
    opener.await.unwrap().unwrap();
    let (first, second) = (first.await.unwrap(), second.await.unwrap());
    let stored = |key: &'static str| async move { store.get_setting(key).await.unwrap() };
    assert!(
        matches!(second, Err(StoreError::Refused { .. })),
        "{second:?}"
    );
    assert_eq!(stored(keys[1]).await, None);
    let first_run = match first {
        Ok(run) => Some(run),
        Err(StoreError::Refused { .. }) => None,
        other => panic!("{keys:?}: {other:?}"),
    };
    let expected = match store.backend_name() {
        "postgres" => on_postgres,
        _ => Some(1),
    };
    assert_eq!(first_run, expected, "{keys:?}");
    let row = stored(keys[0]).await;
    assert_eq!(
        row.is_some(),
        first_run.is_some(),
        "{keys:?}: answer and row disagree"
    );
}

async fn settings(store: &Store) {
    assert_eq!(store.get_setting("k").await.unwrap(), None);
    assert_eq!(
        store.put_setting_if_absent("k", "one").await.unwrap(),
        "one"
    );
    assert_eq!(
        store.put_setting_if_absent("k", "two").await.unwrap(),
        "one"
    );
}

async fn partners_and_keys(store: &Store) -> Uuid {
    let p = Partner {
        id: Uuid::new_v4(),
        name: "Acme".into(),
        created_at: Utc::now(),
    };
    store.create_partner(&p).await.unwrap();
    let got = store.get_partner(p.id).await.unwrap().unwrap();
    assert_eq!(got.name, "Acme");
    assert!(store.get_partner(Uuid::new_v4()).await.unwrap().is_none());
    let key = ApiKeyRecord {
        id: Uuid::new_v4(),
        partner_id: p.id,
        prefix: "flux_test_abcd".into(),
        hash: "h1".into(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    store.insert_api_key(&key).await.unwrap();
    let dup = ApiKeyRecord {
        id: Uuid::new_v4(),
        ..key.clone()
    };
    assert!(matches!(
        store.insert_api_key(&dup).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.find_api_key("h1").await.unwrap().unwrap().partner_id,
        p.id
    );
    assert_eq!(
        store
            .revoke_api_keys("flux_test_abcd", Utc::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .revoke_api_keys("flux_test_abcd", Utc::now())
            .await
            .unwrap(),
        0
    );
    assert!(store
        .find_api_key("h1")
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    p.id
}

async fn clients_and_accounts(store: &Store, partner: Uuid) -> Uuid {
    let c = ClientRecord::linked(
        Uuid::new_v4(),
        partner,
        "fincore",
        Some(Secret::new("s3cret".into())),
    );
    store.add_client(&c).await.unwrap();
    assert!(matches!(
        store.add_client(&c).await,
        Err(StoreError::Conflict(_))
    ));
    let got = store.get_client(c.client_id).await.unwrap().unwrap();
    // Sealed at rest: the column holds no trace of the secret.
    let raw = store
        .query("SELECT provider_secret FROM client_providers", vec![])
        .await
        .unwrap();
    let raw = format!("{raw:?}");
    assert!(raw.contains("v1:") && !raw.contains("s3cret"), "{raw}");
    assert_eq!(got.secret_at("fincore").expose(), "s3cret");
    // A second provider is a second link, its credential sealed apart; relinking replaces.
    for secret in ["first-card-secret", "card-secret"] {
        let cards = flux_store::ProviderLink {
            provider: "necipco".into(),
            provider_client_id: "necipco-client-7".into(),
            secret: Some(Secret::new(secret.into())),
        };
        store.link_client(c.client_id, &cards).await.unwrap();
    }
    let got = store.get_client(c.client_id).await.unwrap().unwrap();
    let providers: Vec<&str> = got.links.iter().map(|l| l.provider.as_str()).collect();
    assert_eq!(providers, ["fincore", "necipco"]);
    assert_eq!(got.secret_at("necipco").expose(), "card-secret");
    assert_eq!(
        got.link("necipco").unwrap().provider_client_id,
        "necipco-client-7"
    );
    assert_eq!(got.secret_at("fincore").expose(), "s3cret");
    let listed = store.list_clients().await.unwrap();
    assert_eq!(
        listed.iter().filter(|l| l.client_id == c.client_id).count(),
        1
    );
    let raw = store
        .query("SELECT provider_secret FROM client_providers", vec![])
        .await
        .unwrap();
    assert!(!format!("{raw:?}").contains("card-secret"));
    let link = AccountLink {
        clabe: "734180000001233635".into(),
        client_id: c.client_id,
        provider_account_id: "acc-1".into(),
        updated_at: Utc::now(),
    };
    store.upsert_account_link(&link).await.unwrap();
    store
        .upsert_account_link(&AccountLink {
            provider_account_id: "acc-2".into(),
            ..link.clone()
        })
        .await
        .unwrap();
    let found = store
        .find_account_link("734180000001233635")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.provider_account_id, "acc-2");
    c.client_id
}

async fn idempotency(store: &Store, partner: Uuid) {
    let now = Utc::now();
    let claim = |key: &'static str, fp: &'static str, at: chrono::DateTime<Utc>| {
        let store = store.clone();
        async move {
            store
                .claim_idempotency(&KeyClaim {
                    partner_id: partner,
                    key: key.into(),
                    fingerprint: fp.into(),
                    now: at,
                    expires_at: at + Duration::hours(24),
                    stale_before: at - Duration::seconds(60),
                })
                .await
                .unwrap()
        }
    };
    assert_eq!(claim("k1", "fp", now).await, IdempotencyClaim::Claimed);
    assert_eq!(
        claim("k1", "fp", now).await,
        IdempotencyClaim::InFlight {
            fingerprint: "fp".into()
        }
    );
    store
        .complete_idempotency(IdempotencyCompletion {
            partner_id: partner,
            key: "k1".into(),
            status: 201,
            body: b"{}".to_vec(),
        })
        .await
        .unwrap();
    assert_eq!(
        claim("k1", "other", now).await,
        IdempotencyClaim::Completed {
            fingerprint: "fp".into(),
            status: 201,
            body: b"{}".to_vec()
        }
    );
    // After 24 h the key is free again.
    assert_eq!(
        claim("k1", "fp2", now + Duration::hours(25)).await,
        IdempotencyClaim::Claimed
    );
    // Released keys can be claimed again.
    assert_eq!(claim("k2", "fp", now).await, IdempotencyClaim::Claimed);
    store.release_idempotency(partner, "k2").await.unwrap();
    assert_eq!(claim("k2", "fp", now).await, IdempotencyClaim::Claimed);
    // A stale in-flight claim (its process died) is taken over.
    assert_eq!(
        claim("k2", "fp", now + Duration::seconds(120)).await,
        IdempotencyClaim::Claimed
    );
    // Concurrent claims: exactly one wins.
    let results = futures::future::join_all((0..20).map(|_| claim("k3", "fp", now))).await;
    assert_eq!(
        results
            .iter()
            .filter(|r| **r == IdempotencyClaim::Claimed)
            .count(),
        1
    );
}

fn txn(
    partner: Uuid,
    client: Uuid,
    kind: &str,
    reference: &str,
    minutes_ago: i64,
) -> TransactionRecord {
    let at = flux_core::time::now() - Duration::minutes(minutes_ago);
    TransactionRecord {
        id: Uuid::new_v4(),
        partner_id: partner,
        client_id: client,
        kind: kind.parse().unwrap(),
        status: "INITIALIZED".parse().unwrap(),
        amount: "100.00".into(),
        currency: "MXN".into(),
        description: Some("d".into()),
        external_reference: None,
        tracking_key: None,
        source_instrument_id: None,
        destination_instrument_id: Some(Uuid::new_v4()),
        related_transaction_id: None,
        provider: "fincore".into(),
        provider_reference: Some(reference.into()),
        failure_code: None,
        failure_description: None,
        counterparty: None,
        cep_status: None,
        cep_processed_at: None,
        remittance_id: None,
        created_at: at,
        updated_at: at,
    }
}

async fn transactions(store: &Store, partner: Uuid, client: Uuid) {
    let a = txn(partner, client, "MONEY_OUT", "ref-a", 30);
    let b = txn(partner, client, "MONEY_IN", "ref-b", 20);
    let c = txn(partner, client, "MONEY_OUT", "ref-c", 10);
    for t in [&a, &b, &c] {
        assert!(store.insert_transaction(t).await.unwrap());
    }
    // Same provider reference → not inserted twice.
    assert!(!store
        .insert_transaction(&txn(partner, client, "MONEY_IN", "ref-b", 0))
        .await
        .unwrap());
    assert_eq!(store.get_transaction(a.id).await.unwrap().unwrap(), a);
    let mut done = a.clone();
    done.status = "COMPLETED".parse().unwrap();
    done.tracking_key = Some("TK".into());
    store
        .save_outcome(flux_store::SaveOutcome {
            txn: Some(done.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        store.get_transaction(a.id).await.unwrap().unwrap().status,
        "COMPLETED"
    );
    // The resolver files an unknown outcome from a list it took earlier: a movement that
    // settled meanwhile gets no review item (it would stay open: nothing would close it).
    let unknown = |t: &TransactionRecord| NewReview {
        kind: ReviewKind::UnknownOutcome,
        provider: "fincore".into(),
        client_id: Some(client),
        transaction_id: Some(t.id),
        remittance_id: None,
        id_msg: None,
        reason: "PENDING for 4 s".into(),
    };
    assert!(!store.file_review_while_open(unknown(&a)).await.unwrap());
    assert!(store.file_review_while_open(unknown(&c)).await.unwrap());
    let open: Vec<_> = store
        .open_reviews(100)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.item.transaction_id)
        .collect();
    assert!(open.contains(&c.id) && !open.contains(&a.id), "{open:?}");
    let by_ref = store
        .find_transaction_by_provider_ref("fincore", "ref-c")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_ref.id, c.id);
    let all = TransactionFilter {
        client_id: client,
        slice: Slice::Offset {
            page: 1,
            per_page: 2,
        },
        ..Default::default()
    };
    let page = store.list_transactions(&all).await.unwrap();
    assert_eq!(page.total, Some(3));
    assert!(page.has_more);
    assert_eq!(
        page.items.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![c.id, b.id]
    );
    let page2 = store
        .list_transactions(&TransactionFilter {
            slice: Slice::Offset {
                page: 2,
                per_page: 2,
            },
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(page2.items[0].id, a.id);
    assert!(!page2.has_more);
    // By cursor: the rows after b, without a count; a cursor of another client is unknown.
    let after = |id: Uuid, client_id: Uuid| TransactionFilter {
        client_id,
        slice: Slice::After {
            id: id.to_string(),
            per_page: 2,
        },
        ..Default::default()
    };
    let next = store.list_transactions(&after(b.id, client)).await.unwrap();
    assert_eq!(
        next.items.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![a.id]
    );
    assert_eq!((next.total, next.has_more), (None, false));
    let first = store.list_transactions(&after(c.id, client)).await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(!first.has_more);
    for wrong in [after(b.id, Uuid::new_v4()), after(Uuid::new_v4(), client)] {
        assert!(matches!(
            store.list_transactions(&wrong).await,
            Err(StoreError::UnknownCursor)
        ));
    }
    let outs = TransactionFilter {
        kind: Some("MONEY_OUT".parse().unwrap()),
        ..all.clone()
    };
    assert_eq!(store.list_transactions(&outs).await.unwrap().total, Some(2));
    let recent = TransactionFilter {
        created_from: Some(Utc::now() - Duration::minutes(15)),
        ..all.clone()
    };
    assert_eq!(
        store.list_transactions(&recent).await.unwrap().total,
        Some(1)
    );
    let completed = TransactionFilter {
        status: Some("COMPLETED".parse().unwrap()),
        ..all
    };
    assert_eq!(
        store.list_transactions(&completed).await.unwrap().items[0].id,
        a.id
    );
}

/// The key claimed in the intent's own transaction: taken once, and a request that finds it
/// held writes nothing.
async fn claim_with_intent(store: &Store, partner: Uuid, client: Uuid) {
    let now = Utc::now();
    let key = |key: &str| KeyClaim {
        partner_id: partner,
        key: key.into(),
        fingerprint: "fp".into(),
        now,
        expires_at: now + Duration::hours(24),
        stale_before: now - Duration::seconds(60),
    };
    let first = txn(partner, client, "MONEY_OUT", "ref-intent-1", 0);
    let (i1, i2) = (key("i1"), key("i2"));
    let taken = store.claim_and_insert_transaction(&i1, &first).await;
    assert_eq!(taken.unwrap(), ClaimedIntent::Recorded);
    assert!(store.get_transaction(first.id).await.unwrap().is_some());
    assert_eq!(
        store.claim_idempotency(&i1).await.unwrap(),
        IdempotencyClaim::InFlight {
            fingerprint: "fp".into()
        }
    );
    // The key is held: another intent under it is not written.
    let other = txn(partner, client, "MONEY_OUT", "ref-intent-2", 0);
    let held = store.claim_and_insert_transaction(&i1, &other).await;
    assert_eq!(held.unwrap(), ClaimedIntent::KeySeenBefore);
    assert!(store.get_transaction(other.id).await.unwrap().is_none());
    // The key given back (an unknown outcome), the retry finds its own intent recorded.
    store.release_idempotency(partner, "i1").await.unwrap();
    let again = store.claim_and_insert_transaction(&i1, &first).await;
    assert_eq!(again.unwrap(), ClaimedIntent::Exists);
    // A key whose answer expired is not taken over here (that needs the row's lock, which a
    // batch would hold to its end): nothing is written, and the claim on its own takes it.
    store
        .complete_idempotency(IdempotencyCompletion {
            partner_id: partner,
            key: "i1".into(),
            status: 201,
            body: b"{}".to_vec(),
        })
        .await
        .unwrap();
    let later = KeyClaim {
        now: now + Duration::hours(25),
        expires_at: now + Duration::hours(49),
        ..i1.clone()
    };
    let expired = store.claim_and_insert_transaction(&later, &other).await;
    assert_eq!(expired.unwrap(), ClaimedIntent::KeySeenBefore);
    assert!(store.get_transaction(other.id).await.unwrap().is_none());
    assert_eq!(
        store.claim_idempotency(&later).await.unwrap(),
        IdempotencyClaim::Claimed
    );
    // Twenty at once under one key, each with its own intent: one is recorded.
    let racers: Vec<_> = (0..20)
        .map(|i| txn(partner, client, "MONEY_OUT", &format!("ref-race-{i}"), 0))
        .collect();
    let results = futures::future::join_all(
        racers
            .iter()
            .map(|t| store.claim_and_insert_transaction(&i2, t)),
    )
    .await;
    let recorded = results
        .iter()
        .filter(|r| *r.as_ref().unwrap() == ClaimedIntent::Recorded)
        .count();
    assert_eq!(recorded, 1, "{results:?}");
    let mut stored = 0;
    for t in &racers {
        stored += usize::from(store.get_transaction(t.id).await.unwrap().is_some());
    }
    assert_eq!(stored, 1);
}

async fn webhooks(store: &Store, partner: Uuid, client: Uuid) {
    let w = WebhookRecord {
        id: Uuid::new_v4(),
        partner_id: partner,
        client_id: client,
        url: "https://example.com/h".into(),
        token: Secret::new("tok".into()),
        webhook_type: "MONEY_IN".into(),
        webhook_status: "ACTIVE".into(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    store.create_webhook(&w, "whsec_dGVzdA==").await.unwrap();
    assert_eq!(store.list_webhooks(client).await.unwrap().len(), 1);
    assert!(store
        .get_webhook(Uuid::new_v4(), w.id)
        .await
        .unwrap()
        .is_none());
    let mut changed = w.clone();
    changed.webhook_status = "INACTIVE".into();
    store.update_webhook(&changed).await.unwrap();
    assert_eq!(
        store
            .get_webhook(client, w.id)
            .await
            .unwrap()
            .unwrap()
            .webhook_status,
        "INACTIVE"
    );
    store
        .delete_webhook(client, w.id, Utc::now())
        .await
        .unwrap();
    assert!(matches!(
        store.delete_webhook(client, w.id, Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.get_webhook(client, w.id).await.unwrap().is_none());
    assert!(store.list_webhooks(client).await.unwrap().is_empty());
}

async fn inbound(store: &Store, partner: Uuid, client: Uuid) {
    let money_in = txn(partner, client, "MONEY_IN", "prov-in-1", 0);
    let event = InboundEvent {
        provider: "fincore".into(),
        id_msg: "msg-1".into(),
        msg_name: "MONEY_IN".into(),
        raw: r#"{"id_msg":"msg-1"}"#.into(),
        client_id: Some(client),
        transaction_id: Some(money_in.id),
        received_at: Utc::now(),
    };
    let effect = InboundEffect::InsertTransaction(Box::new(money_in.clone()));
    assert_eq!(
        store
            .record_inbound(event.clone(), effect.clone(), None)
            .await
            .unwrap(),
        InboundOutcome::Applied
    );
    assert_eq!(
        store
            .record_inbound(event.clone(), effect, None)
            .await
            .unwrap(),
        InboundOutcome::Duplicate
    );
    // A status report moves an outbound transfer (a credit is final when it arrives; a report
    // about one is filed for review, see the integrity tests).
    let money_out = txn(partner, client, "MONEY_OUT", "prov-out-1", 0);
    assert!(store.insert_transaction(&money_out).await.unwrap());
    let status = InboundEffect::UpdateStatus {
        provider_reference: "prov-out-1".into(),
        status: "REJECTED".parse().unwrap(),
        failure_code: Some("CANCELLED_ACCOUNT".into()),
        failure_description: Some("Cuenta cancelada".into()),
        updated_at: Utc::now(),
    };
    let status_event = InboundEvent {
        id_msg: "msg-2".into(),
        msg_name: "STATUS_UPDATE".into(),
        ..event.clone()
    };
    store
        .record_inbound(status_event, status, None)
        .await
        .unwrap();
    let t = store.get_transaction(money_out.id).await.unwrap().unwrap();
    assert_eq!(
        (t.status.as_str(), t.failure_code.as_deref()),
        ("REJECTED", Some("CANCELLED_ACCOUNT"))
    );
    let unmatched = InboundEvent {
        id_msg: "msg-3".into(),
        client_id: None,
        transaction_id: None,
        ..event
    };
    store
        .record_inbound(unmatched, InboundEffect::None, None)
        .await
        .unwrap();
    assert_eq!(store.unmatched_inbound(10).await.unwrap().len(), 1);
    // An operator resolves it: it becomes a transaction of the chosen client, once.
    let resolved = txn(partner, client, "MONEY_IN", "prov-in-3", 0);
    store
        .resolve_unmatched("fincore", "msg-3", resolved.clone(), None)
        .await
        .unwrap();
    assert!(store.unmatched_inbound(10).await.unwrap().is_empty());
    assert_eq!(
        store
            .get_transaction(resolved.id)
            .await
            .unwrap()
            .unwrap()
            .client_id,
        client
    );
    assert!(matches!(
        store
            .resolve_unmatched("fincore", "msg-3", resolved, None)
            .await,
        Err(StoreError::NotFound)
    ));
    // CEP updates land on the transaction.
    let cep = InboundEffect::UpdateCep {
        provider_reference: "prov-in-1".into(),
        cep_status: "COMPLETED".into(),
        processed_at: Some(flux_core::time::now()),
    };
    let cep_event = InboundEvent {
        id_msg: "msg-4".into(),
        msg_name: "CEP".into(),
        client_id: None,
        transaction_id: None,
        ..status_event_template()
    };
    store.record_inbound(cep_event, cep, None).await.unwrap();
    let t = store.get_transaction(money_in.id).await.unwrap().unwrap();
    assert_eq!(t.cep_status.as_deref(), Some("COMPLETED"));
    assert!(t.cep_processed_at.is_some());
}

fn status_event_template() -> InboundEvent {
    InboundEvent {
        provider: "fincore".into(),
        id_msg: String::new(),
        msg_name: String::new(),
        raw: "{}".into(),
        client_id: None,
        transaction_id: None,
        received_at: Utc::now(),
    }
}

fn audit_rec(i: usize) -> NewAudit {
    NewAudit {
        at: Utc::now(),
        partner_id: Some(Uuid::new_v4()),
        key_prefix: Some("flux_test_ab".into()),
        method: "GET".into(),
        path: format!("/api/partners/banks?i={i}"),
        status: 200,
        latency_us: 1234,
        request_id: Uuid::new_v4().to_string(),
        correlation_id: None,
        request_body: None,
        response_body: Some("{}".into()),
    }
}

async fn audit(store: &Store) {
    let ok = store.verify_audit().await.unwrap();
    assert_eq!(
        ok,
        AuditVerification {
            records: 0,
            first_bad: None
        }
    );
    // Concurrent appenders still produce one gap-free chain.
    let batches =
        (0..10).map(|b| store.append_audit((0..5).map(|i| audit_rec(b * 5 + i)).collect()));
    for r in futures::future::join_all(batches).await {
        r.unwrap();
    }
    assert_eq!(
        store.verify_audit().await.unwrap(),
        AuditVerification {
            records: 50,
            first_bad: None
        }
    );
    // Verifying while appends land never reports a false break.
    let appends =
        futures::future::join_all((0..10).map(|b| store.append_audit(vec![audit_rec(100 + b)])));
    let verifies = futures::future::join_all((0..10).map(|_| store.verify_audit()));
    let (appended, verified) = tokio::join!(appends, verifies);
    assert!(appended.iter().all(|r| r.is_ok()));
    for v in verified {
        assert_eq!(v.unwrap().first_bad, None);
    }
    store
        .exec("UPDATE audit_log SET status = 500 WHERE seq = 17", vec![])
        .await
        .unwrap();
    let bad = store.verify_audit().await.unwrap();
    assert_eq!(bad.first_bad.unwrap().0, 17);
    store
        .exec("UPDATE audit_log SET status = 200 WHERE seq = 17", vec![])
        .await
        .unwrap();
    store
        .exec("DELETE FROM audit_log WHERE seq = 30", vec![])
        .await
        .unwrap();
    assert_eq!(store.verify_audit().await.unwrap().first_bad.unwrap().0, 30);
}

#[tokio::test]
async fn sqlite_conformance() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flux.db");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(store.backend_name(), "sqlite");
    suite(store).await;
    assert!(path.exists());
}

#[tokio::test]
async fn postgres_conformance() {
    with_postgres(|url| async move {
        let store = Store::open(&url).await.unwrap();
        assert_eq!(store.backend_name(), "postgres");
        suite(store).await;
    })
    .await;
}

fn render(t: &TransactionRecord) -> serde_json::Value {
    serde_json::json!({"id": t.id, "status": t.status})
}

const STATUS: OutboundEvent = OutboundEvent {
    event_type: "STATUS_UPDATE",
    render,
};

fn hook(partner: Uuid, client: Uuid, kind: &str) -> WebhookRecord {
    WebhookRecord {
        id: Uuid::new_v4(),
        partner_id: partner,
        client_id: client,
        url: "https://example.com/h".into(),
        token: Secret::new("tok-12345".into()),
        webhook_type: kind.into(),
        webhook_status: "ACTIVE".into(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

async fn status_change(
    store: &Store,
    id_msg: &str,
    reference: &str,
    status: &str,
) -> InboundOutcome {
    let event = InboundEvent {
        id_msg: id_msg.into(),
        msg_name: "STATUS_UPDATE".into(),
        ..status_event_template()
    };
    let effect = InboundEffect::UpdateStatus {
        provider_reference: reference.into(),
        status: status.parse().unwrap(),
        failure_code: None,
        failure_description: None,
        updated_at: Utc::now(),
    };
    store
        .record_inbound(event, effect, Some(STATUS))
        .await
        .unwrap()
}

async fn claim(
    store: &Store,
    in_flight: std::collections::HashMap<Uuid, usize>,
    per_endpoint: usize,
) -> Vec<ClaimedDelivery> {
    let now = flux_core::time::now();
    store
        .claim_deliveries(
            now,
            50,
            in_flight,
            per_endpoint,
            now + Duration::seconds(60),
            true,
        )
        .await
        .unwrap()
}

fn deltas(payload: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(payload).unwrap();
    v["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["old_status"].as_str().unwrap().to_string(),
                d["new_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn outcome(d: &ClaimedDelivery, next: NextStep) -> AttemptOutcome {
    AttemptOutcome {
        attempt: AttemptRecord {
            delivery_id: d.delivery.id.clone(),
            attempt: d.delivery.attempts,
            started_at: flux_core::time::now(),
            status_code: Some(500),
            latency_ms: 3,
            error: None,
            response_body: Some("nope".into()),
        },
        seq: d.delivery.seq,
        webhook_id: d.delivery.webhook_id,
        next,
    }
}

/// The webhook outbox: enqueue with the state change, coalescing into ordered deltas, ordered
/// claims, per-endpoint limits, outcomes, 410, lease recovery, manual retry, secret rotation.
async fn outbox(store: &Store, partner: Uuid, client: Uuid) {
    let status_hook = hook(partner, client, "STATUS_UPDATE");
    store
        .create_webhook(&status_hook, "whsec_c2VjcmV0LW9uZQ==")
        .await
        .unwrap();
    let other_type = hook(partner, client, "MONEY_IN");
    store
        .create_webhook(&other_type, "whsec_dHdv")
        .await
        .unwrap();
    let t = txn(partner, client, "MONEY_OUT", "ob-1", 0);
    store.insert_transaction(&t).await.unwrap();

    // Two changes before any attempt: one notification, two deltas in order.
    assert_eq!(
        status_change(store, "ob-m1", "ob-1", "PENDING").await,
        InboundOutcome::Applied
    );
    assert_eq!(
        status_change(store, "ob-m2", "ob-1", "COMPLETED").await,
        InboundOutcome::Applied
    );
    assert_eq!(
        status_change(store, "ob-m2", "ob-1", "COMPLETED").await,
        InboundOutcome::Duplicate
    );
    let listed = store
        .list_deliveries(status_hook.id, Slice::default())
        .await
        .unwrap();
    let list = listed.items;
    assert_eq!(listed.total, Some(1));
    assert_eq!(
        deltas(&list[0].payload),
        vec![
            ("INITIALIZED".into(), "PENDING".into()),
            ("PENDING".into(), "COMPLETED".into())
        ]
    );
    assert!(
        list[0].payload.contains(&list[0].id),
        "the body carries its webhook-id"
    );
    assert_eq!(
        store
            .list_deliveries(other_type.id, Slice::default())
            .await
            .unwrap()
            .total,
        Some(0)
    );

    // Claimed once, with the secret; a second claimer gets nothing.
    let first = claim(store, Default::default(), 8).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].delivery.attempts, 1);
    assert_eq!(first[0].secrets.len(), 1);
    assert_eq!(first[0].secrets[0].expose(), "whsec_c2VjcmV0LW9uZQ==");
    assert!(claim(store, Default::default(), 8).await.is_empty());

    // A change while the first is in flight queues behind it and is not claimed before it.
    status_change(store, "ob-m3", "ob-1", "REJECTED").await;
    assert!(claim(store, Default::default(), 8).await.is_empty());
    let past = flux_core::time::now() - Duration::seconds(1);
    store
        .finish_attempts(vec![outcome(&first[0], NextStep::RetryAt(past))])
        .await
        .unwrap();
    let again = claim(store, Default::default(), 8).await;
    assert_eq!(again.len(), 1, "the older notification goes first");
    assert_eq!(again[0].delivery.id, first[0].delivery.id);
    assert_eq!(again[0].delivery.attempts, 2);
    store
        .finish_attempts(vec![outcome(&again[0], NextStep::Delivered)])
        .await
        .unwrap();
    let second = claim(store, Default::default(), 8).await;
    assert_eq!(second.len(), 1);
    // A rejection after completion is a SPEI return (see flux_core::transaction).
    assert_eq!(
        deltas(&second[0].delivery.payload),
        vec![("COMPLETED".into(), "RETURNED".into())]
    );
    store
        .finish_attempts(vec![outcome(&second[0], NextStep::Delivered)])
        .await
        .unwrap();

    // A change for a notification already attempted supersedes it with a new message.
    let t2 = txn(partner, client, "MONEY_OUT", "ob-2", 0);
    store.insert_transaction(&t2).await.unwrap();
    status_change(store, "ob2-m1", "ob-2", "PENDING").await;
    let third = claim(store, Default::default(), 8).await;
    assert_eq!(third.len(), 1);
    store
        .finish_attempts(vec![outcome(&third[0], NextStep::RetryAt(past))])
        .await
        .unwrap();
    status_change(store, "ob2-m2", "ob-2", "COMPLETED").await;
    let list = store
        .list_deliveries(status_hook.id, Slice::default())
        .await
        .unwrap()
        .items;
    assert_eq!(list.len(), 4);
    assert_eq!(list[1].status, "superseded");
    assert_eq!(list[0].status, "pending");
    assert_ne!(list[0].id, third[0].delivery.id);
    assert_eq!(
        deltas(&list[0].payload),
        vec![
            ("INITIALIZED".into(), "PENDING".into()),
            ("PENDING".into(), "COMPLETED".into())
        ]
    );
    let attempts = store
        .list_attempts(vec![first[0].delivery.id.clone()])
        .await
        .unwrap();
    assert_eq!(
        attempts.iter().map(|a| a.attempt).collect::<Vec<_>>(),
        vec![1, 2]
    );

    // 410 fails the delivery and disables the subscription; a manual retry queues it again.
    let third = claim(store, Default::default(), 8).await;
    assert_eq!(third.len(), 1);
    store
        .finish_attempts(vec![outcome(&third[0], NextStep::Gone)])
        .await
        .unwrap();
    let gone = store
        .get_webhook(client, status_hook.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(gone.webhook_status, "INACTIVE");
    let retried = store
        .retry_delivery(status_hook.id, &third[0].delivery.id)
        .await
        .unwrap();
    assert_eq!(
        (retried.status.as_str(), retried.attempt_budget),
        ("pending", Some(2))
    );
    assert!(matches!(
        store.retry_delivery(status_hook.id, "msg_nope").await,
        Err(StoreError::NotFound)
    ));
    assert!(
        claim(store, Default::default(), 8).await.is_empty(),
        "inactive subscriptions wait"
    );

    // Per-endpoint limit, and a lease that runs out goes back to the queue.
    for _ in 0..5 {
        store.enqueue_test_delivery(&other_type).await.unwrap();
    }
    let limited = claim(store, Default::default(), 2).await;
    assert_eq!(limited.len(), 2);
    let busy: std::collections::HashMap<Uuid, usize> = [(other_type.id, 2)].into();
    assert!(claim(store, busy, 2).await.is_empty());
    let now = flux_core::time::now();
    let expired = store
        .claim_deliveries(
            now,
            1,
            [(other_type.id, 1)].into(),
            2,
            now - Duration::seconds(1),
            false,
        )
        .await
        .unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(
        store
            .requeue_expired_leases(flux_core::time::now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(claim(store, Default::default(), 8).await.len(), 3);

    // Rotation: the new secret first, the old one still live during the grace period.
    let (new_secret, _) = store
        .rotate_webhook_secret(status_hook.id, std::time::Duration::from_secs(60))
        .await
        .unwrap();
    let live = store.webhook_secrets(status_hook.id).await.unwrap();
    assert_eq!(live.len(), 2);
    assert_eq!(live[0].expose(), &new_secret);
    assert!(new_secret.starts_with("whsec_"));
    store
        .rotate_webhook_secret(status_hook.id, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(
        store.webhook_secrets(status_hook.id).await.unwrap().len(),
        1
    );
}

/// The claim and the recorder work set-at-a-time: one claim serves several subscriptions, each
/// with its own URL, token and secrets read at claim time (a URL change or a rotation is seen by
/// the next claim), and one batch of outcomes records every attempt and moves every delivery on.
async fn outbox_batches(store: &Store, partner: Uuid, client: Uuid) {
    let a = hook(partner, client, "MONEY_IN");
    store.create_webhook(&a, "whsec_YQ==").await.unwrap();
    let mut b = hook(partner, client, "MONEY_IN");
    b.url = "https://example.com/b".into();
    b.token = Secret::new("tok-b-1234".into());
    store.create_webhook(&b, "whsec_Yg==").await.unwrap();
    for h in [&a, &a, &a, &b, &b, &b] {
        store.enqueue_test_delivery(h).await.unwrap();
    }
    let first = claim(store, Default::default(), 2).await;
    assert_eq!(first.len(), 4, "two per subscription");
    for d in &first {
        let (url, token, secret) = if d.delivery.webhook_id == a.id {
            ("https://example.com/h", "tok-12345", "whsec_YQ==")
        } else {
            ("https://example.com/b", "tok-b-1234", "whsec_Yg==")
        };
        assert_eq!(d.url, url);
        assert_eq!(d.token.expose(), token);
        let secrets: Vec<&str> = d.secrets.iter().map(|s| s.expose().as_str()).collect();
        assert_eq!(secrets, vec![secret]);
    }

    // Changes made between two claims: the next claim sees them.
    let mut moved = a.clone();
    moved.url = "https://example.org/moved".into();
    store.update_webhook(&moved).await.unwrap();
    let (rotated, _) = store
        .rotate_webhook_secret(b.id, std::time::Duration::from_secs(60))
        .await
        .unwrap();

    // One batch, every kind of outcome.
    let past = flux_core::time::now() - Duration::seconds(1);
    let of = |hook: Uuid, i: usize| {
        first
            .iter()
            .filter(|d| d.delivery.webhook_id == hook)
            .nth(i)
            .unwrap()
    };
    let batch = vec![
        outcome(of(a.id, 0), NextStep::Delivered),
        outcome(of(a.id, 1), NextStep::RetryAt(past)),
        outcome(of(b.id, 0), NextStep::Failed),
        outcome(of(b.id, 1), NextStep::Gone),
    ];
    store.finish_attempts(batch).await.unwrap();
    let ids: Vec<String> = first.iter().map(|d| d.delivery.id.clone()).collect();
    assert_eq!(store.list_attempts(ids).await.unwrap().len(), 4);
    let status_of = |list: &[DeliveryRecord], id: &str| {
        list.iter().find(|d| d.id == id).unwrap().status.clone()
    };
    let list_a = store
        .list_deliveries(a.id, Slice::default())
        .await
        .unwrap()
        .items;
    let list_b = store
        .list_deliveries(b.id, Slice::default())
        .await
        .unwrap()
        .items;
    assert_eq!(status_of(&list_a, &of(a.id, 0).delivery.id), "delivered");
    assert_eq!(status_of(&list_a, &of(a.id, 1).delivery.id), "pending");
    assert_eq!(status_of(&list_b, &of(b.id, 0).delivery.id), "failed");
    assert_eq!(status_of(&list_b, &of(b.id, 1).delivery.id), "failed");
    let gone = store.get_webhook(client, b.id).await.unwrap().unwrap();
    assert_eq!(gone.webhook_status, "INACTIVE");
    // A second outcome for an attempt already recorded changes nothing.
    store
        .finish_attempts(vec![outcome(of(a.id, 0), NextStep::Failed)])
        .await
        .unwrap();
    let list_a = store
        .list_deliveries(a.id, Slice::default())
        .await
        .unwrap()
        .items;
    assert_eq!(status_of(&list_a, &of(a.id, 0).delivery.id), "delivered");

    // The rest: A's at its new URL, B's (TEST events go out to inactive subscriptions too)
    // signed with the new secret first and the old one during the grace period.
    let rest = claim(store, Default::default(), 8).await;
    assert_eq!(rest.len(), 3);
    for d in &rest {
        if d.delivery.webhook_id == a.id {
            assert_eq!(d.url, "https://example.org/moved");
        } else {
            let secrets: Vec<&str> = d.secrets.iter().map(|s| s.expose().as_str()).collect();
            assert_eq!(secrets, vec![rotated.as_str(), "whsec_Yg=="]);
        }
    }
    let done: Vec<AttemptOutcome> = rest
        .iter()
        .map(|d| outcome(d, NextStep::Delivered))
        .collect();
    store.finish_attempts(done).await.unwrap();
    assert!(claim(store, Default::default(), 8).await.is_empty());
}

/// Two stores on one PostgreSQL database, migrated: two Flux processes.
async fn two_processes(url: &str) -> (Store, Store) {
    let (a, b) = (
        Store::open(url).await.unwrap(),
        Store::open(url).await.unwrap(),
    );
    a.migrate().await.unwrap();
    (a, b)
}

/// Two processes' lanes (two stores on one database) whose batches lock two rows in opposite
/// order: PostgreSQL breaks the deadlock by failing one write, which undoes only that write
/// and is run again, so every caller gets its answer and every update lands once.
#[tokio::test]
async fn postgres_lanes_run_a_write_again_after_a_deadlock() {
    with_postgres(|url| async move {
        let (a, b) = two_processes(&url).await;
        for key in ["r1", "r2"] {
            a.put_setting_if_absent(key, "").await.unwrap();
        }
        let client = Uuid::new_v4();
        // Each first write holds its row for 0.3 s before the second asks for the other one.
        let touch = |key: &'static str, pause: bool| {
            move || {
                sql::tx_fn(move |tx| {
                    Box::pin(async move {
                        let sql = "UPDATE settings SET value = value || 'x' WHERE key = $1";
                        tx.exec(sql, &[key.into()]).await?;
                        if pause {
                            tx.exec("SELECT pg_sleep(0.3)", &[]).await?;
                        }
                        Ok(())
                    })
                })
            }
        };
        let (r1, r2, r3, r4) = tokio::join!(
            a.write_in_lane(client, touch("r1", true)),
            a.write_in_lane(client, touch("r2", false)),
            b.write_in_lane(client, touch("r2", true)),
            b.write_in_lane(client, touch("r1", false)),
        );
        for r in [r1, r2, r3, r4] {
            r.unwrap();
        }
        for key in ["r1", "r2"] {
            assert_eq!(a.get_setting(key).await.unwrap().as_deref(), Some("xx"));
        }
    })
    .await;
}

/// A provider's answer that waits for another process's reference (the other holds the
/// reference's lock, sets it and completes the transaction) moves on from the row as that
/// process left it: its RETURNED is a SPEI return of the COMPLETED transfer. From the row it
/// read before the wait (PENDING, no reference) it would be an illegal move, filed for review,
/// and the return's money would not be booked.
#[tokio::test]
async fn postgres_answer_after_another_process_set_the_reference_reads_the_row_again() {
    with_postgres(|url| async move {
        let (a, b) = two_processes(&url).await;
        let mut t = txn(Uuid::new_v4(), Uuid::new_v4(), "MONEY_OUT", "", 1);
        t.provider_reference = None;
        t.status = "PENDING".parse().unwrap();
        assert!(a.insert_transaction(&t).await.unwrap());
        let id = t.id;
        let other = b.write(sql::tx_fn(move |tx| {
            Box::pin(async move {
                let lock = "SELECT pg_advisory_xact_lock(7270002, hashtext($1))";
                tx.exec(lock, &["fincore:REF-RACE".into()]).await?;
                let complete = "UPDATE transactions SET provider_reference = 'REF-RACE', \
                                status = 'COMPLETED' WHERE id = $1";
                tx.exec(complete, &[id.into()]).await?;
                tx.exec("SELECT pg_sleep(0.5)", &[]).await?;
                Ok(())
            })
        }));
        let answer = TransactionRecord {
            status: "RETURNED".parse().unwrap(),
            provider_reference: Some("REF-RACE".into()),
            ..t.clone()
        };
        let this = async {
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            a.save_outcome(SaveOutcome {
                txn: Some(answer),
                completion: None,
                render: None,
                notify: None,
                announce: false,
                source: "the provider's answer".into(),
            })
            .await
        };
        let (other, saved) = tokio::join!(other, this);
        other.unwrap();
        let saved = saved.unwrap().unwrap();
        assert_eq!(saved.status.as_str(), "RETURNED");
        assert_eq!(saved.provider_reference.as_deref(), Some("REF-RACE"));
        let stored = a.get_transaction(id).await.unwrap().unwrap();
        assert_eq!(stored.status.as_str(), "RETURNED");
    })
    .await;
}
