package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"xieshang/internal/app"
)

// Limits of the readers, whatever the caller asks for. A roster of 10,000
// members is about 1 MB as a file and 10 MB unpacked.
const (
	MaxFileSize  = 20 << 20  // bytes of the .xlsx file
	MaxUnzipSize = 100 << 20 // bytes of all its parts unpacked
	maxParts     = 10000     // files inside the zip
)

// ErrTooManyRows is wrapped by the error of a read that stopped at maxRows
// non-empty rows; the rows read until then are returned with it.
var ErrTooManyRows = errors.New("xlsx: too many rows")

// ReadFirstSheet reads the cells of the first worksheet as they are
// displayed (numbers and dates formatted as the workbook says).
//
// Row i of the result is spreadsheet row i+1; blank rows are nil, trailing
// empty cells are dropped and trailing blank rows are left out. It refuses,
// with an *app.Error, what is not an .xlsx workbook (an empty file, a CSV, an
// old .xls, random bytes) with code app.EINVALID, and a file larger than
// MaxFileSize or MaxUnzipSize unpacked, or a row with a value beyond column
// maxCols, with app.ETOOLARGE. After maxRows non-empty rows it stops and
// returns those rows with an app.ETOOLARGE error wrapping ErrTooManyRows.
func ReadFirstSheet(r io.Reader, maxRows, maxCols int) ([][]string, error) {
	return readFirstSheet(r, maxRows, maxCols, false)
}

// ReadFirstSheetRaw is ReadFirstSheet with the values as stored: numbers
// unformatted and with all their digits (an identity number stored as the
// number 371502198001011234 reads back whole), dates as Excel serial numbers
// (43832 for 2020-01-02), booleans as 1 and 0. Text reads the same in both.
func ReadFirstSheetRaw(r io.Reader, maxRows, maxCols int) ([][]string, error) {
	return readFirstSheet(r, maxRows, maxCols, true)
}

func readFirstSheet(r io.Reader, maxRows, maxCols int, raw bool) ([][]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("xlsx: read: %w", err)
	}
	if err := check(b); err != nil {
		return nil, err
	}
	return readSheet(b, maxRows, maxCols, raw)
}

// readSheet parses a checked file. A malformed file must not take the
// server down, nor answer 500: should the parser panic on one, the file is
// refused like any other broken file (the panic is kept in Err for the log).
func readSheet(b []byte, maxRows, maxCols int, raw bool) (out [][]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, invalid("文件已损坏，无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 再上传", fmt.Errorf("xlsx: parser panic: %v", p))
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		RawCellValue:      raw,
		UnzipSizeLimit:    MaxUnzipSize,
		UnzipXMLSizeLimit: MaxUnzipSize, // keep every part in memory: no temporary files
		CultureInfo:       excelize.CultureNameZhCN,
	})
	if err != nil {
		return nil, invalid("文件已损坏或不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 打开后另存为 .xlsx 再上传", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, invalid("文件不是有效的 .xlsx 工作簿：其中没有工作表", nil)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, invalid(fmt.Sprintf("无法读取第一个工作表“%s”，请确认它是普通的数据表", sheets[0]), err)
	}
	defer rows.Close()

	line, filled := 0, 0
	for rows.Next() {
		line++
		cells, err := rows.Columns()
		if err != nil {
			return nil, invalid(fmt.Sprintf("工作表第%d行无法读取，文件可能已损坏", line), err)
		}
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) == 0 {
			continue
		}
		if len(cells) > maxCols {
			return nil, &app.Error{Code: app.ETOOLARGE,
				Message: fmt.Sprintf("工作表第%d行在第%d列之后还有内容，最多读取%d列，请删除多余的列后重新上传", line, maxCols, maxCols)}
		}
		filled++
		if filled > maxRows {
			return out, &app.Error{Code: app.ETOOLARGE,
				Message: fmt.Sprintf("工作表超过%d行，请分成几个文件上传", maxRows), Err: ErrTooManyRows}
		}
		for len(out) < line-1 {
			out = append(out, nil)
		}
		out = append(out, cells)
	}
	if err := rows.Error(); err != nil {
		return nil, invalid("工作表无法读取，文件可能已损坏", err)
	}
	return out, nil
}

// oleHeader starts every OLE compound file: an .xls workbook, or an .xlsx
// that is password protected (encrypted).
var oleHeader = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// check refuses what is not a zip and a zip that unpacks to more than
// MaxUnzipSize before excelize unpacks it. The sizes checked are those the
// zip declares; archive/zip fails a part that inflates beyond its declared
// size, so the declaration cannot lie.
func check(b []byte) error {
	switch {
	case len(b) == 0:
		return invalid("文件是空的，请选择 .xlsx 工作簿", nil)
	case len(b) > MaxFileSize:
		return &app.Error{Code: app.ETOOLARGE,
			Message: fmt.Sprintf("文件超过%d MB，请删除多余内容或分成几个文件上传", MaxFileSize>>20)}
	case bytes.HasPrefix(b, oleHeader):
		return invalid("这是旧版 .xls 文件或设置了密码的工作簿，请在 Excel 或 WPS 中另存为 .xlsx 格式（不设密码）后再上传", nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return invalid("文件不是有效的 .xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 格式后再上传", err)
	}
	if len(zr.File) > maxParts {
		return invalid("文件不是有效的 .xlsx 工作簿：其中的部件过多", nil)
	}
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > MaxUnzipSize || zf.UncompressedSize64 > MaxUnzipSize {
			return &app.Error{Code: app.ETOOLARGE,
				Message: fmt.Sprintf("工作簿内容过多（解压后超过%d MB），请删除多余内容或分成几个文件上传", MaxUnzipSize>>20)}
		}
	}
	return nil
}

func invalid(msg string, err error) error {
	return &app.Error{Code: app.EINVALID, Message: msg, Err: err}
}
