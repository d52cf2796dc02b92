/* The GEMM convolution kernel on the non-Winograd layer shapes of
   Inception-v3 and GoogLeNet (batch 1): best of 30 runs per layer and its
   GFLOP/s. From the repository root, with the AVX-512 kernels (the
   x86-64-v4 object the build makes, kc 64 and nc 512 here):

     ninja -C build InceptionUkernelObjects
     clang-22 -O3 -fopenmp -march=native -DINCEPTION_UK_MR=6 \
       -DINCEPTION_UK_NR=64 -DINCEPTION_UK_VL=16 bench/conv_gemm_layers.c \
       build/runtime/ukernels/ukernels_x86_64_v4.o -o /tmp/conv_gemm -lm
     OMP_NUM_THREADS=1 /tmp/conv_gemm        # or one layer: /tmp/conv_gemm 4
*/
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>
#include "../runtime/ukernels/ukernel_abi.h"
enum { MR = INCEPTION_UK_MR, NR = INCEPTION_UK_NR, KC = 64, NC = 512 };
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
typedef struct {const char*name;int ci,co,h,w,kh,kw,s,ph,pw;} L;
static L layers[]={
 {"v3 1a 3x3s2",3,32,299,299,3,3,2,0,0},
 {"v3 3b 1x1",64,80,73,73,1,1,1,0,0},
 {"v3 5b 1x1",192,64,35,35,1,1,1,0,0},
 {"v3 5b 5x5",48,64,35,35,5,5,1,2,2},
 {"v3 6a 3x3s2",288,384,35,35,3,3,2,0,0},
 {"v3 6b 1x1",768,192,17,17,1,1,1,0,0},
 {"v3 6b 1x7",128,128,17,17,1,7,1,0,3},
 {"v3 6e 7x1",192,192,17,17,7,1,1,3,0},
 {"v3 7b 1x1",1280,320,8,8,1,1,1,0,0},
 {"v3 7b 1x3",384,384,8,8,1,3,1,0,1},
 {"g conv1 7x7",3,64,224,224,7,7,2,3,3},
 {"g 4a 1x1",480,192,14,14,1,1,1,0,0},
 {"g 5b 1x1",832,384,7,7,1,1,1,0,0},
};
int main(int argc,char**argv){
  double tot=0, totf=0;
  for(unsigned li=0;li<sizeof layers/sizeof*layers;li++){
    if(argc>1 && atoi(argv[1])!=(int)li) continue;
    L l=layers[li];
    int oh=(l.h+2*l.ph-l.kh)/l.s+1, ow=(l.w+2*l.pw-l.kw)/l.s+1;
    long K=(long)l.ci*l.kh*l.kw, M=l.co; long mp=(M+MR-1)/MR;
    float*in=aligned_alloc(64,((size_t)l.ci*l.h*l.w*4+63)/64*64);
    float*f=aligned_alloc(64,(mp*MR*K*4+63)/64*64);
    float*out=aligned_alloc(64,((size_t)M*oh*ow*4+63)/64*64);
    float*bias=malloc(M*4);
    for(long i=0;i<(long)l.ci*l.h*l.w;i++)in[i]=(i%7)*0.1f;
    for(long i=0;i<mp*MR*K;i++)f[i]=(i%5)*0.01f;
    for(long i=0;i<M;i++)bias[i]=0.1f;
    /* The threads' scratch, as a model's workspace holds it (ukernel_abi.h). */
    int64_t per_thread=inception_uk_conv2d_scratch(MR,KC,NC);
    char*scratch=aligned_alloc(64,(size_t)per_thread*omp_get_max_threads());
    double best=1e9;
    for(int r=0;r<30;r++){
      double t0=now();
      inception_uk_conv2d_params p={.input=in,.input_channel_stride=l.h*l.w,.input_row_stride=l.w,.input_lanes=1,.filter=f,.bias=bias,
        .output=out,.output_channel_stride=oh*ow,.output_row_stride=ow,.relu=1,.batch=1,.in_channels=l.ci,.out_channels=M,
        .in_h=l.h,.in_w=l.w,.kernel_h=l.kh,.kernel_w=l.kw,.out_h=oh,.out_w=ow,.stride_h=l.s,.stride_w=l.s,.dilation_h=1,.dilation_w=1,
        .pad_top=l.ph,.pad_left=l.pw,.scratch=scratch,.scratch_per_thread=per_thread,.kc=KC,.nc=NC,.l1=INCEPTION_UK_DEFAULT_L1,.l2=INCEPTION_UK_DEFAULT_L2};
      inception_uk_conv2d(&p);
      double t=now()-t0; if(t<best)best=t;
    }
    double fl=2.0*M*K*oh*ow;
    printf("%-13s M=%4ld K=%5ld N=%5d  %7.3f ms %6.1f GFLOP/s\n",l.name,M,K,oh*ow,best*1e3,fl/best*1e-9);
    tot+=best; totf+=fl;
    free(scratch);
  }
  printf("total %.3f ms %.1f GFLOP/s\n",tot*1e3,totf/tot*1e-9);
}
