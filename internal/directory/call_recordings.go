package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// CallRecording is a call the media engine recorded (a stereo WAV file:
// the caller on the left channel, the callee on the right), for each of
// the users who record it.
type CallRecording struct {
	TenantID               string
	UserIDs                []string
	CallID, Caller, Callee string
	StartedAt, EndedAt     time.Time
	WAV                    []byte
}

// SaveCallRecording stores a recorded call as a recording of each of its
// users (their own copy of the file each, so that each may delete theirs),
// listed in /api/user/recordings and linked from their call records by
// the call's id.
func (s *Service) SaveCallRecording(ctx context.Context, in CallRecording) error {
	if s.cfg.Blobs == nil {
		return errors.New("no blob storage configured")
	}
	sum := sha256.Sum256(in.WAV)
	var errs []error
	for _, userID := range in.UserIDs {
		b := &model.Blob{ID: model.NewID(), TenantID: in.TenantID, UserID: userID, Kind: model.BlobAudio, ContentType: "audio/wav",
			Name: "call-" + in.StartedAt.UTC().Format("20060102-150405") + ".wav", Size: int64(len(in.WAV)),
			SHA256: hex.EncodeToString(sum[:]), CreatedAt: s.now().UTC()}
		if err := s.cfg.Blobs.Put(ctx, b, in.WAV); err != nil {
			errs = append(errs, err)
			continue
		}
		r := model.Recording{ID: model.NewID(), TenantID: in.TenantID, UserID: userID, CallID: clipText(in.CallID, 256),
			Caller: clipText(in.Caller, 64), Callee: clipText(in.Callee, 64), StartedAt: in.StartedAt, EndedAt: in.EndedAt, FileID: b.ID}
		if err := s.store.CreateRecordings(ctx, userID, []model.Recording{r}); err != nil {
			_ = s.store.DeleteBlob(context.WithoutCancel(ctx), in.TenantID, b.ID)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
