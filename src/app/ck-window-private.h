/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared between ck-window.c (layout, selection) and ck-window-actions.c
 * (what the actions do), as in GNOME Text Editor. */

#include "ck-certificate-list.h"
#include "ck-details-pane.h"
#include "ck-import-dialog.h"
#include "ck-key-list.h"
#include "ck-request-details.h"
#include "ck-request-list.h"
#include "ck-token-list.h"
#include "ck-window.h"

G_BEGIN_DECLS

struct _CkWindow
{
  AdwApplicationWindow  parent_instance;

  CkStore              *store;
  char                 *store_dir;
  /* The user's actions on the store (request creation, token writes…). */
  CkKeeper             *keeper;
  GSettings            *settings;

  /* What the details pane shows: a CkStoredCertificate or CkStoredKey;
   * or a CkStoredRequest, which the request details show. */
  GObject              *selected;
  CkCertificate        *selected_certificate;

  CkImportDialog       *import_dialog;

  /* Trust decisions and verdicts (ck-window-trust.c). */
  CkTrust              *trust;
  CkVerifier           *verifier;
  GtkWidget            *trust_dialog;

  /* The store's CA records: issuers, revocations (ck-window-ca.c). */
  CkCa                 *ca;
  /* The expiry watch (ck-window-expiry.c). */
  CkExpiryCheck        *expiry_check;

  char                 *screenshot_path;
  char                 *screenshot_view;
  guint                 screenshot_frames;
  GtkWidget            *screenshot_dialog;   /* weak */

  /* Template children */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *error_page;
  AdwLeaflet           *leaflet;
  GtkWidget            *list_pane;
  GtkWidget            *details_scroller;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack         *view_stack;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  CkCertificateList    *certificate_list;
  CkKeyList            *key_list;
  CkRequestList        *request_list;
  CkTokenList          *token_list;
  CkRequestDetails     *request_details;
  GtkStack             *details_stack;
  CkDetailsPane        *details_pane;
  AdwWindowTitle       *details_title;
  GtkWidget            *request_button;
  /* Insensitive when none of its items applies: never an empty menu. */
  GtkWidget            *export_button;
  GtkWidget            *empty_request_button;

  /* ck-window-vault.c: the last input the window saw (monotonic µs) and
   * the source that locks the store after the idle timeout. */
  gint64                last_activity;
  guint                 idle_check_id;
  /* Sign, Revoke, Export CRL: insensitive when none applies. */
  GtkWidget            *ca_button;
};

void ck_window_actions_init          (CkWindow      *self);
/* A toast that stays until closed: "@what: the error's message". */
void ck_window_toast_error           (CkWindow      *self,
                                      const char    *what,
                                      const GError  *error);
/* Application-wide accelerators for the win.* actions (Delete and Ctrl+V
 * are window bindings instead, so that entries keep them). */
void ck_window_actions_set_accels    (GtkApplication *app);
void ck_window_actions_class_init    (CkWindowClass *klass);
/* Enables the actions that need a selection, a key, a certificate. */
void ck_window_actions_update        (CkWindow      *self);
/* Enables or disables the win.@name action. */
void ck_window_set_action_enabled    (CkWindow      *self,
                                      const char    *name,
                                      gboolean       enabled);
void ck_window_show_details          (CkWindow      *self);
/* Presents the import dialog, creating it when needed. */
CkImportDialog *ck_window_get_import_dialog (CkWindow *self);

/* ck-window-reload.c: reloads the store when another process changed it,
 * when the window becomes active and every few seconds while it is. */
void     ck_window_reload_init       (CkWindow      *self);
gboolean ck_window_reload_if_changed (CkWindow      *self);

/* ck-window-expiry.c: Renew…, "Warn before it expires", the Renewal
 * group of the details pane, ck_window_show_certificate(). */
void ck_window_expiry_init           (CkWindow      *self);
void ck_window_expiry_set_store      (CkWindow      *self);
/* The shown certificate's Renewal group and the actions' states. */
void ck_window_expiry_update         (CkWindow      *self);

/* ck-window-trust.c: Trust Settings, system anchors, export of trust. */
void ck_window_trust_init            (CkWindow      *self);
/* After the store is open: the trust module, verifier and settings. */
void ck_window_trust_set_store       (CkWindow      *self);
void ck_window_trust_update          (CkWindow      *self);
/* Opens Trust Settings on the selected certificate; NULL when none. */
GtkWidget *ck_window_trust_settings  (CkWindow      *self);
/* ck-window-ca.c: Sign Request…, Revoke…, Export CRL… (win.sign-request,
 * win.revoke, win.export-crl) on the selection; each returns its dialog,
 * NULL when it does not apply. */
void       ck_window_ca_init          (CkWindow      *self);
/* After the store is open: its CA records (migrated then, as trust is, so
 * that looking at a certificate never writes the store). */
void       ck_window_ca_set_store     (CkWindow      *self);
/* Enables them for the selection and shows its revocation status. */
void       ck_window_ca_update        (CkWindow      *self);
GtkWidget *ck_window_ca_sign_request  (CkWindow      *self);
GtkWidget *ck_window_ca_revoke        (CkWindow      *self);
GtkWidget *ck_window_ca_export_crl    (CkWindow      *self);

/* ck-window-rename.c: Rename (F2) of the selected certificate or key. */
void ck_window_rename_init           (CkWindow      *self);
void ck_window_rename_update         (CkWindow      *self);
/* ck-window-token.c: asks whether to delete @item from its token, then
 * deletes it there; returns the confirmation dialog. */
GtkWidget *ck_window_delete_token_item (CkWindow    *self,
                                        CkTokenItem *item);

/* ck-window-vault.c: Lock Store, the idle timeout, Change Store
 * Passphrase…, Preferences. */
void ck_window_vault_init            (CkWindow      *self);
void ck_window_vault_dispose         (CkWindow      *self);
/* Wipes the store key from memory and says so with @why as a toast. */
void ck_window_vault_lock            (CkWindow      *self,
                                      const char    *why);
/* Locks the store when the window has seen no input for the idle time of
 * Preferences by @now (monotonic µs); TRUE when it did. A timer calls it. */
gboolean ck_window_vault_lock_if_idle (CkWindow     *self,
                                       gint64        now);

G_END_DECLS
