/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-import-dialog.h"
#include "ck-import-row.h"
#include "ck-pin-dialog.h"
#include "ck-token-import.h"

struct _CkImportDialog
{
  AdwWindow       parent_instance;

  CkStore        *store;
  CkKeeper       *keeper;        /* reads, unlocks and commits */
  CkImporter     *importer;
  GtkNoSelection *selection;     /* the plan, when it is not being read */
  GPtrArray      *pending;       /* Input, waiting for the reader */
  GCancellable   *cancellable;
  gboolean        reading;
  gboolean        committing;

  /* Counted when the plan changes, not per keystroke. */
  guint           n_new_certificates;
  guint           n_new_keys;
  guint           n_new_requests;
  guint           n_new_crls;
  guint           n_skipped;
  guint           n_errors;
  guint           n_locked;

  /* Commit progress, written by the worker. */
  int             progress_done;
  int             progress_total;
  int             cancel_requested;
  guint           progress_id;

  AdwWindowTitle *window_title;
  GtkWidget      *cancel_button;
  GtkWidget      *import_button;
  GtkStack       *stack;
  GtkSpinner     *loading_spinner;
  GtkRevealer    *problems_revealer;
  GtkLabel       *problems_label;
  GtkButton      *remove_problems_button;
  GtkListView    *plan_view;
  GtkWidget      *passphrase_separator;
  GtkWidget      *passphrase_box;
  AdwPreferencesGroup *passphrase_group;
  /* The store's key vault when the dialog last looked: unlocked for the
   * session, locked (asked once, checked by the commit) or new (the
   * passphrase is chosen, typed twice). */
  CkKeyVaultState vault_state;
  GtkEditable    *passphrase_entry;
  GtkEditable    *confirm_entry;
  GtkSwitch      *no_passphrase_switch;
  GtkLabel       *hint_label;
  GtkProgressBar *progress_bar;
  /* Store or token, for new keys (ck-token-import.h). */
  GtkWidget      *destination;
};

G_DEFINE_FINAL_TYPE (CkImportDialog, ck_import_dialog, ADW_TYPE_WINDOW)

enum {
  IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  GFile  *file;
  GBytes *bytes;
  char   *name;
} Input;

static void
input_free (gpointer data)
{
  Input *input = data;

  g_clear_object (&input->file);
  g_clear_pointer (&input->bytes, g_bytes_unref);
  g_free (input->name);
  g_free (input);
}

CkImportPlan *
ck_import_dialog_get_plan (CkImportDialog *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_DIALOG (self), NULL);

  return ck_importer_get_plan (self->importer);
}

/* State */

static void
count_items (CkImportDialog *self)
{
  CkImportPlan *plan = ck_importer_get_plan (self->importer);
  guint n = ck_import_plan_get_n_items (plan);

  self->n_new_certificates = self->n_new_keys = self->n_new_requests = 0;
  self->n_new_crls = 0;
  self->n_skipped = self->n_errors = self->n_locked = 0;

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      switch (ck_import_item_get_kind (item))
        {
        case CK_IMPORT_ITEM_ERROR:
          self->n_errors++;
          continue;
        case CK_IMPORT_ITEM_LOCKED:
          self->n_locked++;
          continue;
        case CK_IMPORT_ITEM_CERTIFICATE:
        case CK_IMPORT_ITEM_PRIVATE_KEY:
        case CK_IMPORT_ITEM_REQUEST:
        default:
          break;
        }

      if (!ck_import_item_is_new (item))
        self->n_skipped++;
      else if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_CERTIFICATE)
        self->n_new_certificates++;
      else if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY)
        self->n_new_keys++;
      else if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_REQUEST)
        self->n_new_requests++;
      else if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_CRL)
        self->n_new_crls++;
    }
}

/* "3 certificates, 1 key and 1 request". NULL when all are zero. */
static char *
describe_counts (guint certificates,
                 guint keys,
                 guint requests,
                 guint crls)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (certificates > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u certificate", "%u certificates",
                                                       certificates), certificates));
  if (keys > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u key", "%u keys", keys), keys));
  if (requests > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u request", "%u requests", requests),
                                             requests));

  if (crls > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u revocation list",
                                                       "%u revocation lists", crls), crls));
  while (parts->len > 3)
    {
      /* Translators: the first items of a longer list: "3 certificates, 1 key" */
      char *joined = g_strdup_printf (_("%s, %s"), (char *) g_ptr_array_index (parts, 0),
                                      (char *) g_ptr_array_index (parts, 1));

      g_ptr_array_remove_index (parts, 0);
      g_free (g_ptr_array_index (parts, 0));
      g_ptr_array_index (parts, 0) = joined;
    }

  switch (parts->len)
    {
    case 0:
      return NULL;
    case 1:
      return g_strdup (g_ptr_array_index (parts, 0));
    case 2:
      /* Translators: "3 certificates and 1 key" */
      return g_strdup_printf (_("%s and %s"), (char *) g_ptr_array_index (parts, 0),
                              (char *) g_ptr_array_index (parts, 1));
    default:
      /* Translators: "3 certificates, 1 key and 1 request" */
      return g_strdup_printf (_("%s, %s and %s"), (char *) g_ptr_array_index (parts, 0),
                              (char *) g_ptr_array_index (parts, 1),
                              (char *) g_ptr_array_index (parts, 2));
    }
}

static gboolean
keys_to_store (CkImportDialog *self)
{
  /* A locked item may hold keys: ask now, it costs nothing. Keys that go
   * onto a token are protected by its PIN instead. */
  return (ck_import_plan_get_key_needing_passphrase (ck_importer_get_plan (self->importer)) != NULL
          && ck_token_destination_get_token (self->destination) == NULL)
         || self->n_locked > 0;
}

/* The store passphrase is asked for once per session: not when the
 * store is unlocked. */
static gboolean
needs_passphrase (CkImportDialog *self)
{
  return keys_to_store (self) && self->vault_state != CK_KEY_VAULT_UNLOCKED;
}

static gboolean
passphrase_ok (CkImportDialog *self)
{
  const char *passphrase = gtk_editable_get_text (self->passphrase_entry);
  const char *confirm = gtk_editable_get_text (self->confirm_entry);

  if (!needs_passphrase (self) || gtk_switch_get_active (self->no_passphrase_switch))
    return TRUE;
  if (self->vault_state == CK_KEY_VAULT_LOCKED)
    return passphrase[0] != '\0';
  return passphrase[0] != '\0' && strcmp (passphrase, confirm) == 0;
}

static gboolean
can_import (CkImportDialog *self)
{
  return !self->reading && !self->committing
         && self->n_errors == 0 && self->n_locked == 0
         && self->n_new_certificates + self->n_new_keys + self->n_new_requests +
            self->n_new_crls > 0
         && passphrase_ok (self);
}

static void
update_state (CkImportDialog *self)
{
  g_autofree char *counts = describe_counts (self->n_new_certificates, self->n_new_keys,
                                             self->n_new_requests, self->n_new_crls);
  g_autofree char *subtitle = NULL;
  g_autofree char *problems = NULL;
  gboolean no_passphrase = gtk_switch_get_active (self->no_passphrase_switch);
  const char *passphrase = gtk_editable_get_text (self->passphrase_entry);
  const char *confirm = gtk_editable_get_text (self->confirm_entry);
  const char *hint = "";

  if (counts != NULL && self->n_skipped > 0)
    /* Translators: "3 certificates and 1 key · 2 already in the store" */
    subtitle = g_strdup_printf (ngettext ("%s · %u skipped", "%s · %u skipped", self->n_skipped),
                                counts, self->n_skipped);
  else if (counts != NULL)
    subtitle = g_strdup (counts);
  else if (self->n_skipped > 0)
    subtitle = g_strdup (_("Nothing new"));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  if (self->n_errors > 0 && self->n_locked > 0)
    {
      /* Two counts, so two plurals: "1 item cannot be imported and 2 need…". */
      g_autofree char *unreadable = g_strdup_printf (ngettext ("%u item cannot be imported",
                                                               "%u items cannot be imported",
                                                               self->n_errors), self->n_errors);

      /* Translators: %s is "1 item cannot be imported" or "3 items cannot be imported" */
      problems = g_strdup_printf (ngettext ("%s and %u needs a password. Unlock it or leave them out to import the rest.",
                                            "%s and %u need a password. Unlock them or leave them out to import the rest.",
                                            self->n_locked), unreadable, self->n_locked);
    }
  else if (self->n_errors > 0)
    problems = g_strdup_printf (ngettext ("%u item cannot be imported. Leave it out to import the rest.",
                                          "%u items cannot be imported. Leave them out to import the rest.",
                                          self->n_errors), self->n_errors);
  else if (self->n_locked > 0)
    problems = g_strdup_printf (ngettext ("%u item is encrypted. Enter its password below, or leave it out.",
                                          "%u items are encrypted. Enter their passwords below, or leave them out.",
                                          self->n_locked), self->n_locked);
  gtk_revealer_set_reveal_child (self->problems_revealer, problems != NULL);
  if (problems != NULL)
    gtk_label_set_text (self->problems_label, problems);
  /* One item is "it", as the sentence beside the button says. */
  gtk_button_set_label (self->remove_problems_button,
                        self->n_errors + self->n_locked == 1 ? _("_Leave It Out")
                                                             : _("_Leave Them Out"));

  gtk_widget_set_visible (self->destination,
                          self->n_new_keys > 0 && ck_token_destination_has_choice (self->destination));
  gtk_widget_set_visible (self->passphrase_box, keys_to_store (self));
  gtk_widget_set_visible (self->passphrase_separator, keys_to_store (self));
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_entry), needs_passphrase (self));
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_entry),
                          needs_passphrase (self) && self->vault_state == CK_KEY_VAULT_NEW);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_entry), !no_passphrase);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_entry), !no_passphrase);
  adw_preferences_group_set_description (self->passphrase_group,
    self->vault_state == CK_KEY_VAULT_UNLOCKED
    ? _("Keys are stored encrypted under the store passphrase. The store is unlocked: "
        "it is not asked for again until the store is locked.")
    : self->vault_state == CK_KEY_VAULT_LOCKED
    ? _("Keys are stored encrypted under the store passphrase. It is asked for once, "
        "then the store stays unlocked until you lock it.")
    : _("Choose the store passphrase: every key in the store is kept encrypted under it. "
        "It is asked for once per session."));

  gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "dim-label");
  if (self->reading)
    hint = "";
  else if (ck_import_plan_get_n_items (ck_importer_get_plan (self->importer)) == 0)
    hint = _("Nothing that can be imported was found.");
  else if (counts == NULL && problems == NULL)
    hint = _("Everything here is already in the store.");
  else if (needs_passphrase (self) && !no_passphrase)
    {
      if (passphrase[0] == '\0' && self->vault_state == CK_KEY_VAULT_LOCKED)
        hint = _("Enter the store passphrase, or store the keys without one.");
      else if (passphrase[0] == '\0')
        hint = _("Choose a passphrase for the keys, or store them without one.");
      else if (confirm[0] != '\0' && strcmp (passphrase, confirm) != 0)
        {
          hint = _("The passphrases do not match.");
          gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "error");
        }
    }
  if (!gtk_widget_has_css_class (GTK_WIDGET (self->hint_label), "error"))
    gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "dim-label");
  gtk_label_set_text (self->hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint[0] != '\0');

  gtk_widget_set_sensitive (self->import_button, can_import (self));
}

static void
plan_changed (CkImportDialog *self)
{
  self->vault_state = ck_key_vault_get_state (ck_key_vault_get (self->store));
  count_items (self);
  update_state (self);
}

/* Reading, in a worker thread: a file of 100,000 certificates must not
 * freeze the window. The plan is detached from the list meanwhile, so that
 * its signals (emitted in the worker) reach no widget. */

static void start_reading (CkImportDialog *self);

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CkImportDialog) self = user_data;
  gboolean first = gtk_no_selection_get_model (self->selection) == NULL;
  g_autoptr(CkImporter) importer = ck_keeper_import_read_finish (CK_KEEPER (source), result, NULL);

  self->reading = FALSE;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->pending->len > 0)
    {
      start_reading (self);
      return;
    }

  gtk_spinner_stop (self->loading_spinner);
  gtk_no_selection_set_model (self->selection,
                              G_LIST_MODEL (ck_importer_get_plan (self->importer)));
  gtk_stack_set_visible_child_name (self->stack, "plan");
  plan_changed (self);

  if (first && needs_passphrase (self) && self->n_locked == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
  else if (first && can_import (self))
    gtk_widget_grab_focus (self->import_button);
}

static void
start_reading (CkImportDialog *self)
{
  g_autoptr(GPtrArray) inputs = self->pending;
  g_autoptr(GArray) array = NULL;

  self->pending = g_ptr_array_new_with_free_func (input_free);
  self->reading = TRUE;
  gtk_no_selection_set_model (self->selection, NULL);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->loading_spinner);
  update_state (self);

  array = g_array_sized_new (FALSE, TRUE, sizeof (CkKeeperImportInput), inputs->len);
  for (guint i = 0; i < inputs->len; i++)
    {
      Input *input = g_ptr_array_index (inputs, i);
      CkKeeperImportInput one = { input->file, input->bytes, input->name };

      g_array_append_val (array, one);
    }
  /* The keeper copies the inputs; the plan is detached from the list
   * meanwhile (above), so that its signals, emitted in the worker, reach
   * no widget. */
  ck_keeper_import_read_async (self->keeper, self->importer,
                               (CkKeeperImportInput *) (void *) array->data, array->len,
                               self->cancellable, read_done, g_object_ref (self));
}

static gboolean
add_input (CkImportDialog *self,
           Input          *input)
{
  if (self->committing)
    {
      input_free (input);
      return FALSE;
    }

  g_ptr_array_add (self->pending, input);
  if (!self->reading)
    start_reading (self);
  return TRUE;
}

gboolean
ck_import_dialog_add_files (CkImportDialog  *self,
                            GFile          **files,
                            guint            n_files)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (CK_IS_IMPORT_DIALOG (self), FALSE);

  for (guint i = 0; i < n_files; i++)
    {
      Input *input = g_new0 (Input, 1);

      input->file = g_object_ref (files[i]);
      ok &= add_input (self, input);
    }
  return ok;
}

gboolean
ck_import_dialog_is_reading (CkImportDialog *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_DIALOG (self), FALSE);

  return self->reading || self->pending->len > 0;
}

gboolean
ck_import_dialog_add_bytes (CkImportDialog *self,
                            GBytes         *bytes,
                            const char     *name)
{
  Input *input;

  g_return_val_if_fail (CK_IS_IMPORT_DIALOG (self), FALSE);

  input = g_new0 (Input, 1);
  input->bytes = g_bytes_ref (bytes);
  input->name = g_strdup (name);
  return add_input (self, input);
}

/* Items */

static void
row_remove_cb (CkImportRow    *row,
               CkImportDialog *self)
{
  CkImportItem *item = ck_import_row_get_item (row);

  if (item != NULL && !self->committing)
    ck_import_plan_replace (ck_importer_get_plan (self->importer), item, NULL);
}

typedef struct
{
  CkImportDialog *self;
  CkImportRow    *row;
  CkImportItem   *item;
} Unlock;

static void
unlock_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Unlock *unlock = user_data;
  g_autoptr(GError) error = NULL;

  if (!ck_keeper_import_unlock_finish (CK_KEEPER (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      ck_import_row_get_item (unlock->row) == unlock->item)
    {
      /* Still locked, and the row still shows it: say why there. */
      if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        ck_import_row_set_unlock_error (unlock->row, _("Wrong password. Try again."));
      else
        ck_import_row_set_unlock_error (unlock->row, error->message);
    }
  g_object_unref (unlock->self);
  g_object_unref (unlock->row);
  g_object_unref (unlock->item);
  g_free (unlock);
}

static void
row_unlock_cb (CkImportRow    *row,
               const char     *password,
               CkImportDialog *self)
{
  Unlock *unlock;

  if (ck_import_row_get_item (row) == NULL || self->committing)
    return;

  /* Unlocking replaces the item in the plan, which rebinds this row. Its
   * password entry must not have the focus then: GTK 4.8's
   * GtkPasswordEntry leaves a caps-lock handler on the keyboard when it is
   * destroyed focused, which later runs on the freed entry. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  unlock = g_new0 (Unlock, 1);
  unlock->self = g_object_ref (self);
  unlock->row = g_object_ref (row);
  unlock->item = g_object_ref (ck_import_row_get_item (row));
  /* The keeper opens it in a worker and changes the plan here. */
  ck_keeper_import_unlock_async (self->keeper, self->importer, unlock->item, password,
                                 self->cancellable, unlock_done, unlock);
}

static void
remove_problems_cb (CkImportDialog *self)
{
  CkImportPlan *plan = ck_importer_get_plan (self->importer);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = ck_import_plan_get_n_items (plan);

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      CkImportItemKind kind = ck_import_item_get_kind (item);

      if (kind == CK_IMPORT_ITEM_ERROR || kind == CK_IMPORT_ITEM_LOCKED)
        g_ptr_array_add (problems, g_object_ref (item));
    }

  /* Detach the view for a bulk removal: one update instead of one each. */
  gtk_no_selection_set_model (self->selection, NULL);
  for (guint i = 0; i < problems->len; i++)
    ck_import_plan_replace (plan, g_ptr_array_index (problems, i), NULL);
  gtk_no_selection_set_model (self->selection, G_LIST_MODEL (plan));
  plan_changed (self);
}

static void
item_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CkImportDialog           *self)
{
  GtkWidget *row = ck_import_row_new ();

  g_signal_connect_object (row, "remove", G_CALLBACK (row_remove_cb), self, 0);
  g_signal_connect_object (row, "unlock", G_CALLBACK (row_unlock_cb), self, 0);
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_child (list_item, row);
}

static void
item_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CkImportDialog           *self)
{
  ck_import_row_set_item (CK_IMPORT_ROW (gtk_list_item_get_child (list_item)),
                          gtk_list_item_get_item (list_item));
}

static void
item_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CkImportDialog           *self)
{
  ck_import_row_set_item (CK_IMPORT_ROW (gtk_list_item_get_child (list_item)), NULL);
}

/* Committing, in a worker thread (see the threading rule in ck-store.h).
 * The dialog is modal, so the main window does not call the store
 * meanwhile. */

static gboolean
commit_progress (guint    done,
                 guint    total,
                 gpointer user_data)
{
  CkImportDialog *self = user_data;

  g_atomic_int_set (&self->progress_done, (int) done);
  g_atomic_int_set (&self->progress_total, (int) total);
  return !g_atomic_int_get (&self->cancel_requested);
}

static gboolean
update_progress (gpointer user_data)
{
  CkImportDialog *self = user_data;
  int done = g_atomic_int_get (&self->progress_done);
  int total = g_atomic_int_get (&self->progress_total);
  g_autofree char *text = NULL;

  if (total > 0)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
      /* Translators: import progress, "12000 of 100000" */
      text = g_strdup_printf (_("%d of %d"), done, total);
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  else
    gtk_progress_bar_pulse (self->progress_bar);

  return G_SOURCE_CONTINUE;
}

static char *
imported_message (const CkCommitSummary *summary)
{
  g_autofree char *counts = describe_counts (summary->certificates, summary->keys,
                                             summary->requests, summary->crls);
  g_autofree char *message = NULL;

  if (counts == NULL)
    return g_strdup_printf (ngettext ("Nothing new: %u item was already in the store",
                                      "Nothing new: %u items were already in the store",
                                      summary->skipped), summary->skipped);

  /* Translators: "Imported 3 certificates and 1 key" */
  message = g_strdup_printf (_("Imported %s"), counts);
  if (summary->skipped == 0)
    return g_steal_pointer (&message);
  return g_strdup_printf (ngettext ("%s (%u already in the store)",
                                    "%s (%u already in the store)",
                                    summary->skipped), message, summary->skipped);
}

static void
show_commit_error (CkImportDialog *self,
                   const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_label_set_text (self->hint_label, _("Import cancelled: nothing was written."));
    }
  else
    {
      gtk_label_set_text (self->hint_label, error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->hint_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->hint_label), "error");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), TRUE);
}

static void
commit_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CkImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkKeeperCommit) commit = ck_keeper_import_commit_finish (CK_KEEPER (source), result,
                                                                     &error);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  self->committing = FALSE;

  if (commit != NULL)
    {
      g_autofree char *message = imported_message (&commit->summary);

      gtk_editable_set_text (self->passphrase_entry, "");
      gtk_editable_set_text (self->confirm_entry, "");
      g_signal_emit (self, signals[IMPORTED], 0, message);
      /* Issued certificates of keys on a token go onto that token too. */
      ck_token_import_write_issued (gtk_window_get_transient_for (GTK_WINDOW (self)), self->store,
                                    commit->committed);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  gtk_widget_set_sensitive (self->cancel_button, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "plan");
  update_state (self);
  show_commit_error (self, error);
}

static void
start_commit (CkImportDialog *self,
              CkToken        *token)
{
  g_autofree char *passphrase = NULL;
  CkKeeperCommitOptions options = { 0 };

  options.progress = commit_progress;
  options.progress_data = self;
  options.token = token;
  if (gtk_switch_get_active (self->no_passphrase_switch))
    options.flags = CK_COMMIT_NO_KEY_PASSPHRASE;
  else if (needs_passphrase (self))
    options.key_passphrase = passphrase = g_strdup (gtk_editable_get_text (self->passphrase_entry));

  self->committing = TRUE;
  g_atomic_int_set (&self->cancel_requested, 0);
  g_atomic_int_set (&self->progress_done, 0);
  g_atomic_int_set (&self->progress_total, 0);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  gtk_widget_set_sensitive (self->import_button, FALSE);
  self->progress_id = g_timeout_add (100, update_progress, self);

  /* The keeper copies the passphrase (and wipes its copy); ours goes. */
  ck_keeper_import_commit_async (self->keeper, ck_importer_get_plan (self->importer), &options,
                                 NULL, commit_done, g_object_ref (self));
  if (passphrase != NULL)
    explicit_bzero (passphrase, strlen (passphrase));
}

/* Logged in: the keeper puts the keys onto the token and commits. */
static void
token_login_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CkImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  self->committing = FALSE;
  if (ck_pin_dialog_login_finish (result, &error))
    {
      start_commit (self, ck_token_destination_get_token (self->destination));
      return;
    }
  update_state (self);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_commit_error (self, error);
}

static void
import_clicked_cb (CkImportDialog *self)
{
  CkToken *token = ck_token_destination_get_token (self->destination);

  if (!can_import (self))
    return;
  if (token != NULL && self->n_new_keys > 0)
    {
      /* Nothing else may change the plan while the token is written. */
      self->committing = TRUE;
      gtk_widget_set_sensitive (self->import_button, FALSE);
      ck_pin_dialog_login_async (GTK_WINDOW (self), token, NULL, token_login_done,
                                 g_object_ref (self));
      return;
    }
  start_commit (self, NULL);
}

static void
entry_activated_cb (CkImportDialog *self)
{
  if (can_import (self))
    import_clicked_cb (self);
  else if (gtk_editable_get_text (self->confirm_entry)[0] == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->confirm_entry));
}

static void
cancel_clicked_cb (CkImportDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
ck_import_dialog_close_request (GtkWindow *window)
{
  CkImportDialog *self = CK_IMPORT_DIALOG (window);

  /* A running commit is cancelled (rolled back), and the dialog stays
   * until it has stopped. */
  if (self->committing)
    {
      g_atomic_int_set (&self->cancel_requested, 1);
      gtk_widget_set_sensitive (self->cancel_button, FALSE);
      adw_status_page_set_title (ADW_STATUS_PAGE (gtk_stack_get_child_by_name (self->stack, "progress")),
                                 _("Cancelling…"));
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);
  gtk_editable_set_text (self->passphrase_entry, "");
  gtk_editable_set_text (self->confirm_entry, "");
  return GTK_WINDOW_CLASS (ck_import_dialog_parent_class)->close_request (window);
}

CkImportDialog *
ck_import_dialog_new (GtkWindow *parent,
                      CkStore   *store)
{
  CkImportDialog *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  self = g_object_new (CK_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->vault_state = ck_key_vault_get_state (ck_key_vault_get (store));
  self->keeper = ck_keeper_new (store);
  self->importer = ck_importer_new (store);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (plan_changed), self, G_CONNECT_SWAPPED);
  return self;
}

static void
ck_import_dialog_dispose (GObject *object)
{
  CkImportDialog *self = CK_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_IMPORT_DIALOG);
  g_clear_object (&self->selection);
  g_clear_object (&self->importer);
  g_clear_object (&self->keeper);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (ck_import_dialog_parent_class)->dispose (object);
}

static void
ck_import_dialog_class_init (CkImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ck_import_dialog_dispose;
  window_class->close_request = ck_import_dialog_close_request;

  signals[IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, problems_revealer);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, problems_label);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, remove_problems_button);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, plan_view);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, passphrase_separator);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, passphrase_box);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, passphrase_group);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, no_passphrase_switch);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, CkImportDialog, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, update_state);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_problems_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ck_import_dialog_init (CkImportDialog *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->pending = g_ptr_array_new_with_free_func (input_free);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (item_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (item_bind), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (item_unbind), self);
  gtk_list_view_set_factory (self->plan_view, factory);

  self->selection = gtk_no_selection_new (NULL);
  gtk_list_view_set_model (self->plan_view, GTK_SELECTION_MODEL (self->selection));
  gtk_stack_set_visible_child_name (self->stack, "loading");

  self->destination = ck_token_destination_new ();
  gtk_widget_set_visible (self->destination, FALSE);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (self->passphrase_box)),
                              self->destination, self->passphrase_separator);
  g_signal_connect_object (g_object_get_data (G_OBJECT (self->destination), "ck-combo"),
                           "notify::selected", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (g_object_get_data (G_OBJECT (self->destination), "ck-combo"),
                           "notify::model", G_CALLBACK (update_state), self,
                           G_CONNECT_SWAPPED);
}
