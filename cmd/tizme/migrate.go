package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
)

// migrate brings the database schema up to date and exits. serve does the
// same at every start; migrate exists for deployments that change the
// schema in a separate step, with a more privileged database user.
func migrate(ctx context.Context, cfg Config, log *slog.Logger, _ io.Writer) (err error) {
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	return migrateDatabase(ctx, cfg, db)
}
