//! `ui/src/ipc/bindings.ts`, generated from the types in `dto`. The test below fails when the
//! checked-in file differs from what the types say; `STOWAGE_WRITE_BINDINGS=1 cargo test -p
//! stowage-app bindings` rewrites it.

use ts_rs::TS;

use stowage::ErrorCode;

use crate::dto::*;

/// Every IPC type, in the order they appear in the file.
pub fn typescript() -> String {
    let decls = [
        SourceKind::decl(),
        SourceOrigin::decl(),
        Source::decl(),
        AddRegistry::decl(),
        OpenedReference::decl(),
        KeyValue::decl(),
        ImageLayer::decl(),
        BuildStep::decl(),
        ImageSummary::decl(),
        ChartDependency::decl(),
        HelmChart::decl(),
        FilesLayer::decl(),
        FileChange::decl(),
        FileRow::decl(),
        DeletedPath::decl(),
        ImageFiles::decl(),
        FilePreview::decl(),
        CatalogState::decl(),
        Repositories::decl(),
        TagSummary::decl(),
        NodeKind::decl(),
        GraphNode::decl(),
        EdgeKind::decl(),
        Via::decl(),
        GraphEdge::decl(),
        GraphData::decl(),
        GraphEvent::decl(),
        Content::decl(),
        ExportFormat::decl(),
        ErrorCode::decl(),
        AppError::decl(),
        BlobState::decl(),
        BlobProgress::decl(),
        TransferProgress::decl(),
        Pulled::decl(),
        PullConfirmation::decl(),
        PullAnswer::decl(),
        CopyTarget::decl(),
        Copied::decl(),
        DeleteEntry::decl(),
        PathEntry::decl(),
        InspectedPaths::decl(),
        PushFile::decl(),
        PushSpec::decl(),
        BlobAction::decl(),
        PlannedBlob::decl(),
        PushPreview::decl(),
        PushResult::decl(),
        SbomHeader::decl(),
        SbomSummary::decl(),
        SbomDocuments::decl(),
        SbomRows::decl(),
        SbomHash::decl(),
        SbomExternalRef::decl(),
        SbomPackage::decl(),
        DependencyNode::decl(),
        SbomPackageDetails::decl(),
        SignatureStatus::decl(),
        SignatureDetails::decl(),
        Signer::decl(),
        ProvenanceCard::decl(),
        VulnCard::decl(),
        TrustView::decl(),
        TrustedKey::decl(),
        TrustedIdentity::decl(),
        TrustedRootView::decl(),
        TrustEntry::decl(),
        NotationView::decl(),
        NotationPick::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`. Do not edit.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn bindings_ts_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        let generated = super::typescript();
        if std::env::var_os("STOWAGE_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "{} is stale: run `STOWAGE_WRITE_BINDINGS=1 cargo test -p stowage-app bindings`",
            path.display()
        );
    }
}
